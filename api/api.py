"""The JSON API under /api/v1/ (docs/api.md): one django-ninja instance, its error shape, its
conditional GETs and its documentation page.

Every answer to a GET carries an ETag (the body's MD5, as the page cache makes it) and a
Last-Modified (the site generation's second, core.cache), and answers 304 to a client that
already has it. Anonymous GETs go through the page cache like pages do (JSON is a cached type).
"""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api import read_archive, read_wiki, write  # noqa: F401 (write adds its operations)
from api.errors import ApiError
from core.cache import NANOSECONDS, current_generation, date_validates


class BigsocAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            return conditional(request, response)
        return response


def conditional(request, response: HttpResponse) -> HttpResponse:
    """ETag and Last-Modified on a read, and 304 when the client's copy is current."""
    generation = current_generation()
    etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(generation // NANOSECONDS)
    # A second shared with an earlier generation proves nothing (core.cache): ETag only then.
    last_modified = generation // NANOSECONDS if date_validates(generation) else None
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


api = BigsocAPI(
    title="bigsoc API",
    version="1",
    description="Read the archive and the wiki; edit with a personal access token.",
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url=None,
)


def _error(request, status: int, error: str, detail: str, **extra) -> HttpResponse:
    return api.create_response(request, {"error": error, "detail": detail, **extra}, status=status)


@api.exception_handler(ApiError)
def api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.error, exc.detail, **exc.extra)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg', '')}"
        for e in exc.errors
    )
    return _error(request, 400, "invalid", problems or "The request is not valid.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _error(
        request,
        401,
        "unauthenticated",
        "Send a personal access token: Authorization: Bearer <token> (make one on your "
        "preferences page).",
    )
    response["WWW-Authenticate"] = 'Bearer realm="bigsoc"'
    return response


@api.exception_handler(Http404)
def missing(request, exc):
    return _error(request, 404, "not_found", "There is nothing at this address.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja's own: a body that is not JSON (400), a method not allowed.
    return _error(
        request, exc.status_code, "invalid" if exc.status_code == 400 else "error", str(exc)
    )


api.add_router("", read_archive.router)
api.add_router("", read_wiki.router)  # with the writes of api.write on its paths


@api.get("/docs/", include_in_schema=False, url_name="docs")
def docs(request):
    """The human documentation, drawn on the server from the OpenAPI schema: no script at all,
    so the site's strict Content-Security-Policy holds here too."""
    schema = api.get_openapi_schema(path_prefix=request.path.removesuffix("docs/"))
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body": bool(operation.get("requestBody")),
                    "secured": bool(operation.get("security")),
                    "responses": sorted(operation.get("responses", {})),
                    "tag": (operation.get("tags") or [""])[0],
                }
            )
    return render(request, "api/docs.html", {"operations": operations, "info": schema["info"]})


def nothing_here(request, rest: str):
    """Any other address under /api/v1/: a JSON 404, not the site's HTML page."""
    return JsonResponse(
        {"error": "not_found", "detail": "There is nothing at this address: see /api/v1/docs/."},
        status=404,
    )
