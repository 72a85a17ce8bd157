"""Sign-up for new volunteers (SIGNUP_ENABLED can turn it off); the rest of accounts is Django's."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from wiki.forms import SignupForm


def signup(request):
    if not settings.SIGNUP_ENABLED:
        return render(request, "registration/signup_closed.html", status=403)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="core.auth.UserBackend")
        messages.success(
            request, f"Welcome, {user.username}: your account is made and you are logged in."
        )
        return redirect(next_url)
    status = 400 if form.errors else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )


def say_logged_out(sender, request, user, **kwargs):
    """Receiver of `user_logged_out`: Django's LogoutView says nothing after it redirects."""
    if request is not None:
        messages.info(request, "You are logged out.")
