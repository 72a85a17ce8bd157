"""`Authorization: Bearer <token>` for the API's writes (reads need no token)."""

from __future__ import annotations

from ninja.security import HttpBearer

from api.errors import ApiError
from api.tokens import token_for


class TokenAuth(HttpBearer):
    """A personal access token (api.tokens); `request.auth` is the AccessToken and
    `request.user` its owner. Writes also need the token's write scope (`writer`)."""

    def authenticate(self, request, token):
        found = token_for(token)
        if found is not None:
            request.user = found.user
        return found


def writer(request):
    """The volunteer behind a write-scoped token; 403 for a read-only one."""
    if not request.auth.can_write:
        raise ApiError(
            403, "scope", "This token may only read: make a write token to change things."
        )
    return request.auth.user
