"""Request hygiene that no single view should have to repeat."""

from django.core.exceptions import BadRequest


def reject_nul_characters(get_response):
    """Answer 400 when the path or a query parameter holds a NUL character.

    PostgreSQL text cannot hold NUL, so a slug or search term carrying one would reach the
    database and fail there as a 500. Form fields already refuse NUL (Django's CharField
    validator); addresses have no such guard until this one.
    """

    def middleware(request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("The address holds a NUL character.")
        return get_response(request)

    return middleware
