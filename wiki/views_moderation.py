"""Moderation: revert, protect, delete and restore (the `moderators` group), and move (any
volunteer who may edit the page). Every change is a POST with a `reason`, which is required and
recorded with the change in the public moderation log (by the service, in its transaction), and
spends from the person's budget of writes (core.ratelimit), as a save does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.ratelimit import RateLimited, spend_write
from wiki.forms import MoveForm
from wiki.models import Page, Revision
from wiki.permissions import can_edit, is_moderator
from wiki.services import (
    PageError,
    delete_page,
    move_page,
    normalise_reason,
    restore_page,
    revert_to,
    set_protected,
)


def _forbidden(request, page):
    return render(
        request, "wiki/page_protected.html", {"page": page, "moderators_only": True}, status=403
    )


def _rate_limited(request, page, error: RateLimited):
    messages.error(request, str(error))
    response = redirect(reverse("wiki:history", args=[page.slug]))
    response.status_code = 303
    return response


def _reason_or_none(request, page):
    """The POST's reason, whitespace folded, or None after saying that one is required."""
    try:
        return normalise_reason(request.POST.get("reason", ""))
    except PageError as error:
        messages.error(request, str(error))
        return None


def _may_moderate(request, page, back_url: str):
    """(reason, None) when the moderator may act now, else (None, the response saying why).

    The checks every moderation POST makes, in this order: a moderator, a reason, then the
    budget of writes (spent only when the rest holds)."""
    if not is_moderator(request.user):
        return None, _forbidden(request, page)
    reason = _reason_or_none(request, page)
    if reason is None:
        return None, redirect(back_url)
    try:
        spend_write(request.user)
    except RateLimited as error:
        return None, _rate_limited(request, page, error)
    return reason, None


@require_POST
@login_required
def page_revert(request, slug, number):
    page = get_object_or_404(Page, slug=slug)
    revision = get_object_or_404(Revision.objects.select_related("page"), page=page, number=number)
    reason, refused = _may_moderate(request, page, reverse("wiki:revision", args=[slug, number]))
    if refused:
        return refused
    try:
        new = revert_to(revision=revision, author=request.user, reason=reason)
    except PageError as error:  # the old text is over today's render budget
        messages.error(request, str(error))
        return redirect(reverse("wiki:history", args=[page.slug]))
    messages.success(request, f"Reverted to revision {number} (now revision {new.number}).")
    return redirect(reverse("wiki:history", args=[page.slug]))


@require_POST
@login_required
def page_protect(request, slug):
    page = get_object_or_404(Page, slug=slug)
    reason, refused = _may_moderate(request, page, reverse("wiki:history", args=[page.slug]))
    if refused:
        return refused
    protect = request.POST.get("protected") == "1"
    set_protected(page=page, protected=protect, actor=request.user, reason=reason)
    messages.success(
        request, "Page protected: only moderators can edit it." if protect else "Page unprotected."
    )
    return redirect(reverse("wiki:history", args=[page.slug]))


@require_POST
@login_required
def page_delete(request, slug):
    page = get_object_or_404(Page, slug=slug)
    reason, refused = _may_moderate(request, page, reverse("wiki:history", args=[page.slug]))
    if refused:
        return refused
    delete_page(page=page, actor=request.user, reason=reason)
    messages.success(request, f"“{page.title}” was deleted; its history is kept.")
    return redirect(reverse("wiki:page", args=[page.slug]))


@require_POST
@login_required
def page_restore(request, slug):
    page = get_object_or_404(Page, slug=slug)
    reason, refused = _may_moderate(request, page, reverse("wiki:history", args=[page.slug]))
    if refused:
        return refused
    restore_page(page=page, actor=request.user, reason=reason)
    messages.success(request, f"“{page.title}” was restored.")
    return redirect(page.get_absolute_url())


@login_required
def page_move(request, slug):
    page = get_object_or_404(Page.objects.select_related("current_revision"), slug=slug)
    if not can_edit(request.user, page):
        return _forbidden(request, page)
    form = MoveForm(request.POST or None, initial={"new_title": page.title})
    status, taken = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            spend_write(request.user)
            moved = move_page(
                page=page,
                new_title=form.cleaned_data["new_title"],
                author=request.user,
                reason=form.cleaned_data["reason"],
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except PageError as error:
            form.add_error("new_title", str(error))
            taken = getattr(error, "page", None)  # TitleTaken: the page to link to
        else:
            messages.success(request, "Page moved; the old address redirects here.")
            return redirect(moved.get_absolute_url())
    if form.errors and status == 200:
        status = 400
    context = {"page": page, "form": form, "taken": taken}
    return render(request, "wiki/page_move.html", context, status=status)
