"""The API's one error shape: `{"error": code, "detail": message}` with the status that fits.

Endpoints and actions raise `ApiError`; `api.api` turns it (and ninja's own validation and
authentication errors, Django's 404) into that JSON. Extra keys ride along where a client needs
them to recover, as a 409 carries both texts.
"""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str, **extra):
        super().__init__(detail)
        self.status, self.error, self.detail, self.extra = status, error, detail, extra

    def body(self) -> dict:
        return {"error": self.error, "detail": self.detail, **self.extra}


def not_found(detail: str = "There is nothing at this address.") -> ApiError:
    return ApiError(404, "not_found", detail)
