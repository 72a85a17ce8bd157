"""Site-wide request hygiene and security headers that no single view should have to repeat."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import render

# No inline script or style anywhere: user-written HTML that slipped past the sanitiser still
# could not run. The Django admin (5.2) works under this policy too: its scripts are files and
# its data blocks are non-executable JSON.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """The policy on every response, whatever its status or type: an error page, a feed or a
    file opened directly in a tab is held to the same rules as a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


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


def head_without_body(get_response):
    """A HEAD answer carries the GET answer's headers and no body (RFC 9110, 9.3.2).

    Django's WSGI handler sends whatever body the view made, and gunicorn writes it: a client
    on a kept-alive connection then reads those bytes as the start of its next answer. Outermost,
    so error pages and the page cache's answers are emptied too; Content-Length still tells the
    size a GET would get.
    """

    def middleware(request):
        response = get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            # Its files are still closed by the handler when the answer ends.
            response.streaming_content = []
        else:
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response

    return middleware


def styled_not_found_in_development(get_response):
    """With DEBUG on, answer an unknown address with the site's own 404 page, not Django's.

    Django's technical 404 page styles itself inline, which the policy above forbids, so a
    developer saw it unstyled. Its one useful fact (no URL pattern matched) is said on ours.
    A 404 page of the site's own (a missing wiki page, say) carries the site's style sheet and
    is left alone. Without DEBUG, Django already renders templates/404.html.
    """

    def middleware(request):
        response = get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"/css/site.css" not in response.content
        ):
            return render(request, "404.html", {"development": True}, status=404)
        return response

    return middleware
