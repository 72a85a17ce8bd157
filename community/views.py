"""Watching, the watchlist, preferences and unsubscribing. Thin: fetch, validate, call a
service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from community.delivery import user_for_token
from community.forms import PreferenceForm
from community.models import EmailMode, Preference
from community.targets import target_for_slug, target_for_topic_slug
from community.watching import preference_for, unwatch, watch
from community.watchlist import watchlist_rows
from core.cache import readers_see_no_change
from core.ratelimit import RateLimited, spend_write


def _back(request, fallback: str):
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect(fallback)


def _watch(request, target):
    action = request.POST.get("action")
    if action not in ("watch", "unwatch"):
        return render(request, "400.html", status=400)
    try:
        spend_write(request.user)  # every write spends from one budget (core.ratelimit)
    except RateLimited as error:
        messages.error(request, str(error))  # said on the page it goes back to; nothing changed
        return _back(request, target.url)
    if action == "watch":
        watch(request.user, target)
        messages.success(request, f"You are watching {target.title}: see it on your watchlist.")
    elif action == "unwatch":
        unwatch(request.user, target)
        messages.success(request, f"You no longer watch {target.title}.")
    return _back(request, target.url)


@require_POST
@login_required
def watch_page(request, slug):
    return _watch(request, target_for_slug(slug))


@require_POST
@login_required
def watch_topic(request, slug):
    return _watch(request, target_for_topic_slug(slug))


@login_required
def watchlist(request):
    preference = preference_for(request.user)
    rows = watchlist_rows(request.user, seen_at=preference.watchlist_seen_at)
    # One upsert, whether or not the volunteer has saved preferences before.
    Preference.objects.bulk_create(
        [Preference(user=request.user, watchlist_seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["watchlist_seen_at"],
    )
    return render(
        request,
        "community/watchlist.html",
        {"rows": rows, "seen_at": preference.watchlist_seen_at},
    )


@login_required
def preferences(request):
    preference = preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            spend_write(request.user)  # every write spends from one budget (core.ratelimit)
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        else:
            form.save()
            readers_see_no_change()
            messages.success(request, "Saved: your preferences are changed.")
            return redirect("community:preferences")
    if status == 200 and form.errors:
        status = 400
    return render(request, "community/preferences.html", {"form": form}, status=status)


# The signed token in the address stands in for the CSRF token: it is unguessable and names one
# account. Mail clients' one-click unsubscribe (RFC 8058, List-Unsubscribe-Post) POSTs here
# without cookies, so Django's CSRF check would refuse them. A GET only asks: mail scanners
# follow every link in a message, and must not unsubscribe anyone by doing so.
@csrf_exempt
def unsubscribe(request, token):
    person = user_for_token(token)
    if person is None:
        return render(request, "community/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        Preference.objects.update_or_create(user=person, defaults={"email_mode": EmailMode.NEVER})
        return render(request, "community/unsubscribe.html", {"person": person, "done": True})
    return render(request, "community/unsubscribe.html", {"person": person})
