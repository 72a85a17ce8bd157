"""Blocked accounts read but do not write.

Every POST from a blocked account is refused with a page that says why and until when, except
those that only concern the account itself (log out, preferences, unsubscribe). The editors'
forms (edit, move) are refused on GET too, so nobody writes a long text only to lose it.
One place for the rule, so a new form cannot forget it. The block is looked up only for
logged-in POSTs and those forms: reading costs nothing more.
"""

from django.shortcuts import render

from community.blocks import active_block

ALLOWED_WHEN_BLOCKED = {
    "logout",
    "community:preferences",
    "community:unsubscribe",
    "password_change",
}
FORMS_THAT_WRITE = {"wiki:edit", "wiki:move"}


class BlockedAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        view = request.resolver_match.view_name if request.resolver_match else ""
        if view in ALLOWED_WHEN_BLOCKED or view.startswith("admin:"):
            return None
        if request.method != "POST" and view not in FORMS_THAT_WRITE:
            return None
        block = active_block(user)
        if block is None:
            return None
        return render(request, "community/blocked.html", {"user_block": block}, status=403)
