"""Old permalinks keep working: a 404 for the path of an imported post's original permalink
becomes a 301 to the post's page here (as django.contrib.redirects does, looked up only on 404,
so no other request pays for it)."""

from django.http import HttpResponsePermanentRedirect

from posts.models import Post


class OldPermalinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path.rstrip("/")[:500]
        if not path:
            return response
        slug = Post.objects.filter(old_path=path).values_list("slug", flat=True).first()
        if slug is None:
            return response
        return HttpResponsePermanentRedirect(Post(slug=slug).get_absolute_url())
