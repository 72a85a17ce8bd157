"""What every page must get right in a browser, as functions that return the problems they find.

Each returns a list of plain sentences (empty when the page is fine), so one test can report all
of a page's problems at once; tests/browser/test_tools.py proves each one notices a broken page.
"""

# Fields a person fills in; hidden inputs are never shown and buttons carry their own text.
FIELDS = (
    "input:not([type=hidden], [type=submit], [type=reset], [type=button], [type=image]),"
    " select, textarea"
)
# The names of a field that has none of: a <label>, aria-label, aria-labelledby pointing at text.
UNLABELLED = """fields => fields.filter(field => {
  const labels = [...(field.labels || [])].map(label => label.textContent).join("");
  const labelledBy = (field.getAttribute("aria-labelledby") || "").split(/\\s+/)
    .map(id => (id && document.getElementById(id)?.textContent) || "").join("");
  return !(labels + (field.getAttribute("aria-label") || "") + labelledBy).trim();
}).map(field => field.outerHTML.slice(0, 120))"""


def horizontal_scroll(page) -> list[str]:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    expected = page.viewport_size["width"]
    if widths["scroll"] > widths["inner"] or widths["inner"] > expected:
        return [
            f"scrolls sideways: content is {widths['scroll']}px wide, the window "
            f"{widths['inner']}px, the screen {expected}px"
        ]
    return []


def dangling_references(page) -> list[str]:
    """aria-describedby, aria-labelledby and label[for] that name an id the page does not have."""
    missing = page.evaluate(
        """() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]")]
        .flatMap(el => ["aria-describedby", "aria-labelledby", "for"]
          .flatMap(name => (el.getAttribute(name) || "").split(/\\s+/).filter(Boolean)
            .filter(id => !document.getElementById(id)).map(id => `${name}="${id}"`)))"""
    )
    return [f"points at a missing id: {ref}" for ref in missing]


def title_and_heading(page) -> list[str]:
    problems = []
    if not page.title().strip():
        problems.append("has an empty <title>")
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"has {headings} <h1> elements, not one")
    return problems


def unlabelled_fields(page) -> list[str]:
    return [
        f"has an unlabelled field: {html}" for html in page.locator(FIELDS).evaluate_all(UNLABELLED)
    ]


def skip_link(page) -> list[str]:
    """The first Tab stop is a link to #main, hidden until focused, and Enter moves focus there.

    Leaves the page scrolled to #main with focus in it: run it after the other checks.
    """
    # Tab from the top of the document, even on a page that autofocuses a field: focus a
    # stand-in at the start of <body> and remove it, which moves the browser's sequential focus
    # starting point to the start of <body>.
    page.evaluate(
        """() => {
        window.scrollTo(0, 0);
        const start = document.createElement("span");
        start.tabIndex = -1;
        document.body.prepend(start);
        start.focus();
        start.remove();
    }"""
    )
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    if focused.count() != 1 or focused.get_attribute("href") != "#main":
        return ["has no skip link to #main as its first Tab stop"]
    problems = []
    box = focused.bounding_box()
    viewport = page.viewport_size
    if not (
        box
        and box["width"] > 1
        and box["height"] > 1
        and 0 <= box["x"] < viewport["width"]
        and 0 <= box["y"] < viewport["height"]
    ):
        problems.append(f"its skip link stays out of sight when focused ({box})")
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement?.id") != "main":
        problems.append("its skip link does not move focus to #main")
    return problems


# axe-core (shipped inside the axe-playwright-python package, injected from the page's own
# origin by evaluate, so the foreign-request watch stays quiet) at these impacts fails a page.
AXE_FAILING_IMPACTS = ("serious", "critical")
_axe = None


def accessibility(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    results = _axe.run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in AXE_FAILING_IMPACTS:
            continue
        targets = ", ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in violation["nodes"][:3]
        )
        problems.append(
            f"axe {violation['impact']} {violation['id']}: {violation['help']} ({targets})"
        )
    return problems
