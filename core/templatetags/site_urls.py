"""`{% site_url "name" %}`: `{% url "name" %}` for an address without arguments, looked up once
per process instead of on every page; `{% site_static "path" %}` likewise for `{% static %}`.

The header and footer link to fourteen such addresses on every page. Reversing a name walks the
resolver's dictionaries for the current language, urlconf and script prefix each time, a
visible share of a logged-in page's CPU (docs/performance.md). The answer
only changes with the urlconf or the script prefix, so both are part of the key, and the memo is
dropped when a test changes the URL settings. An unknown name raises NoReverseMatch, as `{% url %}`
does.

The base template names four static files on every page; with hashed names each costs a
manifest lookup, a join and quoting (another few per cent). The storage reads its manifest once
per process, so the answer is fixed until the storage settings change.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=128)
def _reverse(name: str, urlconf: str, prefix: str) -> str:
    # `prefix` is only part of the key: reverse() reads the script prefix itself.
    return conditional_escape(reverse(name, urlconf=urlconf))


class SiteUrlNode(template.Node):
    # A node of its own rather than a simple_tag: the name is a literal, read once when the
    # template is compiled, and the answer is escaped once when it is memoised.
    def __init__(self, name: str):
        self.name = name

    def render(self, context) -> str:
        return _reverse(self.name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@register.tag
def site_url(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% site_url %} takes one quoted URL name")
    return SiteUrlNode(bits[1][1:-1])


@register.simple_tag
@lru_cache(maxsize=64)
def site_static(path: str) -> str:
    return static(path)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()
    if setting in ("STORAGES", "STATIC_URL", "STATIC_ROOT", "FORCE_SCRIPT_NAME"):
        site_static.cache_clear()
