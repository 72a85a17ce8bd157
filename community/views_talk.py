"""Talk pages: `/wiki/<slug>/talk/` for a page or a topic (a topic's talk is at its slug).

POST with `text` and `action=post` writes a comment: a reply when `thread` names a thread of
this target, a new thread otherwise. Authors edit their comment for 15 minutes; moderators hide
one with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from community.forms import CommentEditForm, ReasonForm, TalkForm
from community.models import TalkComment, TalkThread
from community.modlog import ReasonRequired
from community.talk import TalkError, can_edit_comment, edit_comment, hide_comment, post_comment
from community.targets import Target, target_for_slug
from community.watching import is_watching
from core.ratelimit import RateLimited, spend_write
from wiki.permissions import is_moderator

THREADS_SHOWN = 100


def _threads(target: Target):
    comments = TalkComment.objects.select_related("author", "hidden_by").order_by("created_at")
    return (
        TalkThread.objects.filter(**target.filter())
        .select_related("author")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("-created_at", "-id")[:THREADS_SHOWN]
    )


def talk(request, slug):
    target = target_for_slug(slug)
    form = TalkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if request.POST.get("action") != "post":
            return render(request, "400.html", status=400)
        if form.is_valid():
            thread = None
            if form.cleaned_data["thread"]:
                thread = get_object_or_404(
                    TalkThread, pk=form.cleaned_data["thread"], **target.filter()
                )
            try:
                spend_write(request.user)  # one budget of writes with edits (core.ratelimit)
                comment = post_comment(
                    target=target,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    thread=thread,
                    title=form.cleaned_data["title"],
                )
            except RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            except TalkError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, "Saved: your comment is posted.")
                return redirect(f"{target.talk_url}#{comment.anchor}")
        status = status if status != 200 else 400
    return render(
        request,
        "community/talk.html",
        {
            "target": target,
            "threads": _threads(target),
            "form": form,
            "is_moderator": is_moderator(request.user),
            "watching": is_watching(request.user, target),
        },
        status=status,
    )


def _comment(pk):
    comment = get_object_or_404(
        TalkComment.objects.select_related("thread", "thread__page", "thread__topic", "author"),
        pk=pk,
    )
    thread = comment.thread
    return comment, Target(page=thread.page, topic=thread.topic)


@login_required
def comment_edit(request, pk):
    comment, target = _comment(pk)
    if not can_edit_comment(request.user, comment):
        return render(request, "community/comment_locked.html", {"target": target}, status=403)
    form = CommentEditForm(request.POST or None, initial={"text": comment.text})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            spend_write(request.user)  # an edit renders Markdown: the same budget as a post
            edit_comment(comment=comment, author=request.user, text=form.cleaned_data["text"])
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except TalkError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, "Saved: your comment is changed.")
            return redirect(f"{target.talk_url}#{comment.anchor}")
    if status == 200 and form.errors:
        status = 400
    return render(
        request,
        "community/comment_edit.html",
        {"form": form, "comment": comment, "target": target},
        status=status,
    )


@require_POST
@login_required
def comment_hide(request, pk):
    comment, target = _comment(pk)
    if not is_moderator(request.user):
        return render(request, "community/moderators_only.html", status=403)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ReasonRequired()
        hide_comment(
            comment=comment,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
            target=target,
        )
    except ReasonRequired as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The comment is hidden; the log says why.")
    return redirect(f"{target.talk_url}#{comment.anchor}")
