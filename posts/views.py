"""Reading side of the archive: thin views over Post and Topic querysets."""

from django.shortcuts import render

from posts.models import Post, Topic


def home(request):
    return render(
        request,
        "posts/home.html",
        {
            "topics": Topic.objects.with_post_counts().order_by("-post_count", "name")[:12],
            "posts": Post.objects.newest_first()[:10],
        },
    )
