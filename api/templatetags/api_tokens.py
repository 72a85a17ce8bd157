"""`{% api_tokens %}`: the personal access tokens section of the preferences page, so that page
needs one line for it and its view knows nothing of the API."""

from django import template

from api.models import AccessToken, TokenScope

register = template.Library()


@register.inclusion_tag("api/tokens_section.html", takes_context=True)
def api_tokens(context):
    request = context["request"]
    tokens = (
        AccessToken.objects.active().filter(user=request.user)
        if request.user.is_authenticated
        else []
    )
    return {
        "request": request,
        "tokens": tokens,
        "scopes": TokenScope.choices,
        "csrf_token": context.get("csrf_token"),
    }
