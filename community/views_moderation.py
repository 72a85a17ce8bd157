"""The public moderation log (and its Atom feed), blocking accounts, and the review queue."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from community.blocks import BlockError, active_block, block_user, unblock_user
from community.forms import BlockForm, ReasonForm
from community.models import LogEntry, LogKind, Review
from community.modlog import ReasonRequired
from community.review import ReviewError, mark_reviewed, open_reviews, revert_reviewed
from core.pagination import paginate
from wiki.diff import hunk_diff
from wiki.models import Revision
from wiki.permissions import is_moderator

LOG_PER_PAGE = 50
REVIEWS_SHOWN = 25


def _log_entries(params):
    entries = LogEntry.objects.select_related("actor").newest_first()
    kind = params.get("kind", "")
    if kind in LogKind.values:
        entries = entries.filter(kind=kind)
    else:
        kind = ""
    user = params.get("user", "").strip()
    if user:
        entries = entries.filter(actor__username=user)
    target = params.get("target", "").strip()
    if target:
        entries = entries.filter(target__icontains=target)
    return entries, {"kind": kind, "user": user, "target": target}


def moderation_log(request):
    entries, filters = _log_entries(request.GET)
    return render(
        request,
        "community/log.html",
        {
            "entries": paginate(entries, request.GET.get("page"), LOG_PER_PAGE),
            "filters": filters,
            "kinds": LogKind.choices,
        },
    )


class LogFeed(Feed):
    feed_type = Atom1Feed
    title = "bigsoc moderation log"
    subtitle = "Protections, moves, deletions, reverts, blocks and hidden comments, with reasons."

    def get_object(self, request):
        return request.GET

    def link(self):
        return reverse("community:log")

    def items(self, params):
        return _log_entries(params)[0][:LOG_PER_PAGE]

    def item_title(self, entry):
        return f"{entry.actor.username} {entry.get_kind_display()} {entry.target}"

    def item_description(self, entry):
        detail = f" ({entry.detail})" if entry.detail else ""
        return f"Reason: {entry.reason}{detail}"

    def item_link(self, entry):
        return entry.get_absolute_url()

    def item_pubdate(self, entry):
        return entry.created_at

    def item_author_name(self, entry):
        return entry.actor.username


@login_required
def block(request, username):
    person = get_object_or_404(get_user_model(), username=username)
    if not is_moderator(request.user):
        return render(request, "community/moderators_only.html", status=403)
    current = active_block(person)
    form = BlockForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and action == "unblock":
        form = BlockForm()
        unblock = ReasonForm(request.POST)
        try:
            if not unblock.is_valid():
                raise ReasonRequired()
            unblock_user(user=person, by=request.user, reason=unblock.cleaned_data["reason"])
        except ReasonRequired as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{person.username} is no longer blocked.")
        return redirect("community:block", username=person.username)
    if request.method == "POST":
        if action != "block":
            return render(request, "400.html", status=400)
        if form.is_valid():
            try:
                block_user(
                    user=person,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    duration=form.cleaned_data["duration"],
                )
            except BlockError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{person.username} is blocked.")
                return redirect("community:block", username=person.username)
    status = 400 if form.errors else 200
    return render(
        request,
        "community/block.html",
        {"person": person, "form": form, "current": current},
        status=status,
    )


def _diffs(reviews):
    """Each review's revision with its changes against its parent as hunks, as the diff page
    shows them: only the changed lines and a little context (texts in one query)."""
    ids = set()
    for item in reviews:
        ids.add(item.revision_id)
        if item.revision.parent_id:
            ids.add(item.revision.parent_id)
    texts = dict(Revision.objects.filter(pk__in=ids).values_list("pk", "text"))
    for item in reviews:
        parent = item.revision.parent_id
        item.hunks = hunk_diff(texts.get(parent, "") if parent else "", texts[item.revision_id])
    return reviews


@login_required
def review_queue(request):
    if not is_moderator(request.user):
        # Readers and volunteers learn only that moderators look at new volunteers' edits.
        return render(request, "community/review_closed.html")
    if request.method == "POST":
        number = request.POST.get("review", "")
        if not (number.isascii() and number.isdigit() and len(number) < 19):
            return render(request, "400.html", status=400)  # not a review's number
        item = get_object_or_404(Review, pk=int(number), reviewed_at=None)
        try:
            if request.POST.get("action") == "reviewed":
                mark_reviewed(review=item, moderator=request.user)
                messages.success(request, "Marked reviewed.")
            elif request.POST.get("action") == "revert":
                revert_reviewed(
                    review=item, moderator=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, "Reverted; the log says why.")
            else:
                return render(request, "400.html", status=400)
        except (ReasonRequired, ReviewError) as error:
            messages.error(request, str(error))
        return redirect("community:review")
    reviews = _diffs(list(open_reviews()[:REVIEWS_SHOWN]))
    return render(
        request,
        "community/review.html",
        {"reviews": reviews, "waiting": Review.objects.filter(reviewed_at=None).count()},
    )
