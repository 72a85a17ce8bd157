"""Cursor pagination: a page of rows after a position in a fixed order, never an offset.

A cursor is the sort key of the last row a page showed, as URL-safe base64 of JSON: opaque to
clients, cheap for the database (an index range, however deep the client pages), and stable
while rows are added. A cursor that does not decode is a 400, not a traceback.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from urllib.parse import urlencode

from api.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, length: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise _bad_cursor() from error
    if not isinstance(values, list) or len(values) != length:
        raise _bad_cursor()
    return values


def _bad_cursor() -> ApiError:
    return ApiError(
        400, "bad_cursor", "The cursor is not one this API gave: start from the first page."
    )


def limit_of(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "invalid", f"limit must be between 1 and {MAX_LIMIT}.")
    return limit


def page(
    rows,
    *,
    request,
    limit: int,
    key: Callable[[object], list],
) -> tuple[list, str | None]:
    """(at most `limit` rows, the next page's address or None). `rows` is already ordered and
    filtered past the cursor; one query, of `limit` + 1 rows."""
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    found = found[:limit]
    query = request.GET.copy()
    query["cursor"] = encode(key(found[-1]))
    return found, f"{request.path}?{urlencode(sorted(query.items()))}"
