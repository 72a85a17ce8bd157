"""The renderer against hostile input: every case must come out inert, and still readable.

Each case is (Markdown source, text a reader must still see). The text is usually the payload
itself: raw HTML is shown escaped, never dropped silently, so an editor sees what they typed.
"""

import markdown
import pytest

from core.sanitise import sanitise_html
from tests.wiki.inert import assert_inert, find_dangers, visible_text
from wiki.markup import ResolvedLink, WikiLink, render_markdown, sanitise_text

ALERT = "alert(1)"

SCRIPT_AND_STYLE = [
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("Hello <script>alert(1)</script> world", "Hello <script>alert(1)</script> world"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "evil.example/x.js"),
    ("<ScRiPt>alert(1)</sCrIpT>", ALERT),
    ("<style>body{display:none}</style>", "display:none"),
    ("<style>@import 'http://evil.example/x.css';</style>", "@import"),
    ("<style>li {list-style-image: url('javascript:alert(1)');}</style>", ALERT),
    ('<div style="background:url(javascript:alert(1))">x</div>', ALERT),
    ('<p style="width: expression(alert(1))">css</p>', "expression(alert(1))"),
    ('<span style="behavior: url(x.htc)">x</span>', "behavior"),
    ('<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>', ALERT),
]

EVENT_HANDLERS = [
    ("<img src=x onerror=alert(1)>", "onerror=alert(1)"),
    ("<body onload=alert(1)>", "onload"),
    ('<a href="#" onclick="alert(1)">click</a>', "onclick"),
    ('<div onmouseover="alert(1)">hover</div>', "onmouseover"),
    ("<img src=x OnErRoR=alert(1)>", "OnErRoR"),
    ("<img src=x onerror\n=alert(1)>", ALERT),
    ("<input autofocus onfocus=alert(1)>", "onfocus"),
    ("<details open ontoggle=alert(1)>", "ontoggle"),
    ("<video><source onerror=alert(1)></video>", ALERT),
]

MARKDOWN_LINK_URLS = [
    ("[click](javascript:alert(1))", "click"),
    ("[click](JaVaScRiPt:alert(1))", "click"),
    ("[click](&#106;avascript:alert(1))", "click"),
    ("[click](java&#x09;script:alert(1))", "click"),
    (
        "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
        "click",
    ),
    (
        "[click](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
        "&#0000112&#0000116&#0000058alert(1))",
        "click",
    ),  # fmt: skip
    ("[click](javascript&colon;alert(1))", "click"),
    ("[click](jav&#x0A;ascript:alert(1))", "click"),
    ("[click]( javascript:alert(1))", "click"),
    ("[click](<javascript:alert(1)>)", "click"),
    ("[click](\x01javascript:alert(1))", "click"),
    ("[click](vbscript:msgbox(1))", "click"),
    ("[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "click"),
    ("[click](DATA:text/html,<script>alert(1)</script>)", "click"),
]

IMAGES = [
    ("![pic](javascript:alert(1))", None),
    ("![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", None),
    ("![pic](data:text/html,<script>alert(1)</script>)", None),
    ("![pic](vbscript:msgbox(1))", None),
    ('![x" onerror="alert(1)](http://example.org/a.png)', None),
    ('![pic](http://example.org/a.png "t\\" onerror=\\"alert(1)")', None),
    ('![pic](http://example.org/a.png "t" onerror="alert(1)")', None),
]

REFERENCE_LINKS = [
    ("[click][evil]\n\n[evil]: javascript:alert(1)", "click"),
    ("[click][evil]\n\n[evil]: data:text/html,<script>alert(1)</script>", "click"),
    ("![pic][evil]\n\n[evil]: javascript:alert(1)", None),
    ('[evil]\n\n[evil]: JAVASCRIPT:alert(1) "title"', "evil"),
    ('[click][evil]\n\n[evil]: http://example.org/ "a\\" onmouseover=\\"alert(1)"', "click"),
    ("[click][evil]\n\n[evil]: <javascript:alert(1)>", "click"),
]

LINK_TITLES = [
    ('[click](http://example.org/ "\\" onmouseover=\\"alert(1)")', "click"),
    ("[click](http://example.org/ 'x\\' onclick=\\'alert(1)')", "click"),
    ('[click](http://example.org/"onmouseover="alert(1))', "click"),
    ('[click](http://example.org/ "><script>alert(1)</script>")', "click"),
    ('[click](http://example.org/ "x" onmouseover="alert(1)")', "click"),
]

RAW_HTML_LINKS_AND_IMAGES = [
    ('<a href="javascript:alert(1)">click</a>', "click"),
    ('<a href="&#106;avascript:alert(1)">click</a>', "click"),
    ('<a href="java&#x09;script:alert(1)">click</a>', "click"),
    ('<a href=" &#14;  javascript:alert(1)">click</a>', "click"),
    ('<a href="javascript&colon;alert(1)">click</a>', "click"),
    ('<img src="javascript:alert(1)">', ALERT),
    ("<IMG SRC=JaVaScRiPt:alert(1)>", ALERT),
    ('<img src="data:image/svg+xml,<svg onload=alert(1)>">', ALERT),
    ('<a href="data:text/html,<script>alert(1)</script>">click</a>', "click"),
]

SVG_AND_MATHML = [
    ("<svg onload=alert(1)>", "onload"),
    ("<svg><script>alert(1)</script></svg>", ALERT),
    ('<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>', "XSS"),
    ("<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "onbegin"),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', ALERT),
    (
        '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
        ALERT,
    ),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ALERT),
    (
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 '
        'onerror=alert(1)&gt;">',
        ALERT,
    ),
    ('<math href="javascript:alert(1)">CLICKME</math>', "CLICKME"),
    (
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">click</maction>',
        ALERT,
    ),
]

BROKEN_AND_NESTED = [
    ("<scr<script>ipt>alert(1)</scr</script>ipt>", ALERT),
    ("<<script>alert(1);//<</script>", ALERT),
    ('<img src="x" onerror="alert(1)', ALERT),
    ("<img src=x onerror=alert(1)//", ALERT),
    ('<a href="javascript:alert(1)" <b>click</b>', "click"),
    ('<IMG """><SCRIPT>alert(1)</SCRIPT>">', ALERT),
    ("<</p>img src=x onerror=alert(1)>", ALERT),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ALERT),
    ("<div><div><div><script>alert(1)</script>", ALERT),
]

EMBEDDING_AND_DOCUMENT_TAGS = [
    ('<iframe src="javascript:alert(1)"></iframe>', ALERT),
    ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', ALERT),
    ('<object data="javascript:alert(1)"></object>', ALERT),
    ('<embed src="data:text/html,<script>alert(1)</script>">', ALERT),
    ('<form action="javascript:alert(1)"><input type=submit></form>', ALERT),
    ('<button formaction="javascript:alert(1)">x</button>', ALERT),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "refresh"),
    ('<base href="javascript:alert(1)//">', "base"),
    ('<link rel="stylesheet" href="http://evil.example/x.css">', "stylesheet"),
]

COMMENTS_AND_CDATA = [
    ("<!--<script>alert(1)</script>-->", ALERT),
    ("<![CDATA[<script>alert(1)</script>]]>", ALERT),
    ("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->", ALERT),
    ('<? echo "<script>alert(1)</script>" ?>', ALERT),
]

ENTITIES = [
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
    ("&#60;script&#62;alert(1)&#60;/script&#62;", "<script>alert(1)</script>"),
    ("&#x3C;img src=x onerror=alert(1)&#x3E;", "<img src=x onerror=alert(1)>"),
    ("\x02wzxhzdk:0\x03 and \x02klzzwxh:0\x03", "wzxhzdk"),  # Markdown's own placeholders
]

WIKI_LINKS = [
    ("[[x|<img src=x onerror=alert(1)>]]", "<img src=x onerror=alert(1)>"),
    ("[[javascript:alert(1)]]", "javascript:alert(1)"),
    ("[[ JaVaScRiPt:alert(1) | label ]]", "label"),
    ('[[post:"><script>alert(1)</script>]]', ALERT),
    ("[[post:javascript:alert(1)]]", ALERT),
    ('[[Page|" onmouseover="alert(1)]]', '" onmouseover="alert(1)'),
    ("[[<script>alert(1)</script>]]", ALERT),
    ("[[Page|[click](javascript:alert(1))]]", "click"),
    ("[[post:real-slug|<svg onload=alert(1)>]]", "<svg onload=alert(1)>"),
]

FOOTNOTES_AND_HEADINGS = [
    ("Text[^1]\n\n[^1]: <script>alert(1)</script>", "<script>alert(1)</script>"),
    ("Text[^<img src=x onerror=alert(1)>]\n\n[^<img src=x onerror=alert(1)>]: note", "note"),
    ("Text[^x]\n\n[^x]: [click](javascript:alert(1))", "click"),
    (
        "# <img src=x onerror=alert(1)>\n\n## <script>alert(1)</script>\n\n### [x](javascript:1)",
        "<script>alert(1)</script>",
    ),
    ('# Heading" onmouseover="alert(1)\n\n## b\n\n### c', 'Heading" onmouseover="alert(1)'),
    ("# [[x|<svg onload=alert(1)>]]\n\n## two\n\n## three", "<svg onload=alert(1)>"),
]

AUTOLINKS_AND_LINKIFY = [
    ("<javascript:alert(1)>", ALERT),
    ("<JAVASCRIPT:alert(1)>", ALERT),
    ("<vbscript:msgbox(1)>", "msgbox(1)"),
    ("<data:text/html,<script>alert(1)</script>>", ALERT),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ('www.example.org/"onmouseover="alert(1)', ALERT),
    ('<foo@example.org" onmouseover="alert(1)>', ALERT),
    ('<http://example.org/" onmouseover="alert(1)>', ALERT),
]

CODE_AND_TABLES = [
    ("```\n<script>alert(1)</script>\n```", "<script>alert(1)</script>"),
    ('```" onmouseover=alert(1)\ncode\n```', "code"),
    ("`<img src=x onerror=alert(1)>`", "<img src=x onerror=alert(1)>"),
    ("    <script>alert(1)</script>", "<script>alert(1)</script>"),
    ("| a |\n|---|\n| <img src=x onerror=alert(1)> |", "<img src=x onerror=alert(1)>"),
    ("- item <script>alert(1)</script>\n    - nested <iframe src=javascript:alert(1)>", ALERT),
    ("> <script>alert(1)</script>", "<script>alert(1)</script>"),
]

CORPUS = [
    pytest.param(source, shown, id=f"{group}-{n}")
    for group, cases in [
        ("script-style", SCRIPT_AND_STYLE),
        ("event-handler", EVENT_HANDLERS),
        ("markdown-url", MARKDOWN_LINK_URLS),
        ("image", IMAGES),
        ("reference", REFERENCE_LINKS),
        ("link-title", LINK_TITLES),
        ("raw-html-url", RAW_HTML_LINKS_AND_IMAGES),
        ("svg-mathml", SVG_AND_MATHML),
        ("broken-nested", BROKEN_AND_NESTED),
        ("embedding", EMBEDDING_AND_DOCUMENT_TAGS),
        ("comment-cdata", COMMENTS_AND_CDATA),
        ("entity", ENTITIES),
        ("wikilink", WIKI_LINKS),
        ("footnote-heading", FOOTNOTES_AND_HEADINGS),
        ("autolink", AUTOLINKS_AND_LINKIFY),
        ("code-table", CODE_AND_TABLES),
    ]
    for n, (source, shown) in enumerate(cases, 1)
]


def test_corpus_has_at_least_sixty_hostile_inputs():
    assert len(CORPUS) >= 60


@pytest.mark.parametrize(("source", "shown"), CORPUS)
def test_hostile_markdown_renders_inert(source, shown):
    rendered = render_markdown(source)
    assert_inert(rendered.html)
    assert_inert(rendered.toc_html)
    if shown is not None:
        assert shown in visible_text(rendered.html)


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        "<iframe></iframe>",
        "<object></object>",
        "<embed>",
        "<svg></svg>",
        "<math></math>",
        "<form></form>",
        "<base href=/>",
        "<meta charset=utf-8>",
        "<link rel=icon>",
        "<img src=x OnError=alert(1)>",
        '<p style="color:red">x</p>',
        '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
        '<a href="vbscript:x">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        '<form><button formaction="javascript:x">x</button></form>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_inertness_checker_catches_dangerous_fragment(fragment):
    assert find_dangers(fragment)
    with pytest.raises(AssertionError):
        assert_inert(fragment)


def test_inertness_checker_accepts_plain_safe_html():
    assert (
        find_dangers('<p>A <a href="/wiki/x/" title="x">link</a> <img src="/a.png" alt=""></p>')
        == []
    )


def test_hostile_resolver_output_is_sanitised_too():
    def resolve(link: WikiLink) -> ResolvedLink:
        return ResolvedLink(url="javascript:alert(1)", exists=False, title='"><script>x</script>')

    rendered = render_markdown("See [[Anything]].", resolve)
    assert_inert(rendered.html)
    assert "Anything" in visible_text(rendered.html)


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="javascript:alert(1)" onclick="x()" style="x">a</a>',
        "<svg onload=alert(1)><script>alert(1)</script></svg>",
        '<img src="data:image/png;base64,AAAA" onerror=x>',
        '<p class="messages error" id="content">spoof</p>',
    ],
)
def test_sanitise_html_cleans_html_built_elsewhere(fragment):
    cleaned = sanitise_html(fragment)
    assert_inert(cleaned)
    assert 'id="content"' not in cleaned
    assert "messages" not in cleaned


def test_user_text_cannot_take_a_page_id_or_class():
    rendered = render_markdown("# content\n\nText[^main]\n\n[^main]: note")
    ids = [part.split('"')[1] for part in rendered.html.split(" id=")[1:]]
    assert ids
    assert all(i.startswith("md-") for i in ids)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('Title" onmouseover="x', "Title&quot; onmouseover=&quot;x"),
        ("Tom & Jerry's", "Tom &amp; Jerry&#x27;s"),
        ("bell\x07 and nul\x00", "bell and nul"),
    ],
)
def test_sanitise_text_escapes_plain_text(text, escaped):
    assert sanitise_text(text) == escaped
    assert_inert(sanitise_text(text))


def test_most_of_the_corpus_is_dangerous_without_the_sanitiser():
    # Proof the corpus has teeth: plain Python-Markdown (raw HTML passed through, no bleach)
    # lets most of it through, and the checker says so.
    dangerous = [
        source
        for source, _ in (case.values for case in CORPUS)
        if find_dangers(markdown.markdown(source, extensions=["footnotes", "toc"]))
    ]
    assert len(dangerous) >= 60
