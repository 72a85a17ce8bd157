"""Checks that an HTML fragment is inert: nothing in it can run script or restyle the page.

Used by the sanitiser corpus and by any test that puts user text on a page. The fragment is
parsed twice: by the standard library's tolerant parser and by html5lib (the browser algorithm,
vendored by bleach), because mutation XSS lives in the places where parsers disagree.
"""

import re
from html.parser import HTMLParser

from bleach._vendor import html5lib  # bleach's own copy; the project has no separate html5lib

FORBIDDEN_ELEMENTS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "form", "input", "button", "textarea", "select", "base", "meta",
        "link", "template", "noscript", "portal",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster",
        "background", "lowsrc", "dynsrc", "cite", "longdesc",
    }
)  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_NAMESPACES = {"http://www.w3.org/1999/xlink": "xlink:", "http://www.w3.org/XML/1998/namespace": ""}


def _problems(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    found = []
    if tag in FORBIDDEN_ELEMENTS:
        found.append(f"<{tag}> element")
    for name, value in attrs:
        value = value or ""
        if name.startswith("on"):
            found.append(f"{name} handler on <{tag}>")
        if name == "style":
            found.append(f"style attribute on <{tag}>")
        if name in URL_ATTRIBUTES:
            url = _URL_NOISE.sub("", value).lower()
            if url.startswith(DANGEROUS_SCHEMES):
                found.append(f"{name}={value!r} on <{tag}>")
    return found


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.problems += _problems(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.problems += _problems(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def _local(name: str) -> str:
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return _NAMESPACES.get(namespace, "") + local
    return name


def find_dangers(html: str) -> list[str]:
    """Everything in `html` that could execute or restyle, as readable descriptions."""
    stdlib = _Collector()
    stdlib.feed(html)
    stdlib.close()
    problems = list(stdlib.problems)

    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for el in fragment.iter():
        if not isinstance(el.tag, str) or el.tag == "DOCUMENT_FRAGMENT":
            continue
        attrs = [(_local(k).lower(), v) for k, v in el.attrib.items()]
        problems += _problems(_local(el.tag).lower(), attrs)
    return problems


def visible_text(html: str) -> str:
    """The text a reader sees, entities decoded."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return "".join(collector.text)


def assert_inert(html: str) -> None:
    dangers = find_dangers(html)
    assert not dangers, f"dangerous output {dangers}: {html!r}"
