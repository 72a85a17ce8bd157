"""Making and revoking personal access tokens, from the preferences page. Thin: validate,
call `api.tokens`, render or redirect. A new token is rendered, never redirected to: it must
not pass through the session or the messages cookie."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.tokens import TokenError, create_token, revoke_token
from core.ratelimit import RateLimited, spend_write


@never_cache
@require_POST
@login_required
def create(request):
    try:
        spend_write(request.user)  # every write spends from one budget (core.ratelimit)
        token, secret = create_token(
            user=request.user,
            name=request.POST.get("name", ""),
            scope=request.POST.get("scope", ""),
        )
    except (TokenError, RateLimited) as error:
        messages.error(request, str(error))
        return redirect("community:preferences")
    return render(request, "api/token_created.html", {"token": token, "secret": secret})


@require_POST
@login_required
def revoke(request, pk):
    if revoke_token(user=request.user, token_id=pk):
        messages.success(request, "Revoked: the token no longer works.")
    else:
        messages.error(request, "That token is not one of yours, or was revoked already.")
    return redirect("community:preferences")
