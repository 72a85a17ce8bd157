"""Addresses of posts, as keys: how a link in one post is matched to another post of the same
archive. Pure: no Django.

A key is the host (lower case, without "www.") and path (without its trailing slash), with the
query when there is one: `http://www.blog.example/2011/03/03/hello/#more` and
`https://blog.example/2011/03/03/hello` are the same key. A relative link is read against the
post's own address first.
"""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

from importer.readers.records import ArchivePost


def link_key(url: str, base: str = "") -> str:
    url = url.strip()
    if not url or url.startswith(("#", "mailto:", "javascript:", "data:")):
        return ""
    # An absolute address needs no joining (urljoin was a third of reading an export's links).
    if base and not url.startswith(("http://", "https://")):
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    path = parts.path.rstrip("/")
    if "%" in path:
        path = unquote(path)  # /2011/%e5%9b%9e/ and /2011/回/ are one address
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


def link_keys(post: ArchivePost, base: str = "") -> list[str]:
    """Every address another post may use for `post`: permalink, guid, `?p=ID`, date path."""
    base = post.permalink or base
    keys = [link_key(post.permalink), link_key(post.guid)]
    host = urlsplit(base).hostname if base else None
    if host:
        if post.wp_id:
            keys.append(link_key(f"http://{host}/?p={post.wp_id}"))
        day = post.day
        if day and post.slug:
            keys.append(link_key(f"http://{host}/{day:%Y/%m/%d}/{post.slug}/"))
    return [k for k in dict.fromkeys(keys) if k]


def old_path(permalink: str) -> str:
    """The path of a post's original permalink, as the 301 from it is looked up ("" if none)."""
    try:
        parts = urlsplit(permalink.strip())
    except ValueError:
        return ""
    if not parts.hostname or parts.path in ("", "/") or parts.query:
        return ""
    # Decoded, as Django hands a request's path over (percent-encoded or not, one address).
    return unquote(parts.path.rstrip("/"))[:500]
