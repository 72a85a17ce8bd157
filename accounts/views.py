"""Sign-up for new volunteers (SIGNUP_ENABLED can turn it off) and the password-reset request,
both throttled per network address (and a reset per account); the rest of accounts is Django's."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import SignupForm
from accounts.verification import send_verification, verify
from core.auth import client_address
from core.ratelimit import Throttled, spend_attempt


def signup(request):
    if not settings.SIGNUP_ENABLED:
        return render(request, "registration/signup_closed.html", status=403)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            spend_attempt(
                "signup", client_address(request), rate=settings.SIGNUP_RATE, what="this address"
            )
        except Throttled as error:
            form.is_valid()  # the form keeps what was typed and says why nothing happened
            form.add_error(None, str(error))
            status = 429
        else:
            if form.is_valid():
                user = form.save()
                login(request, user, backend="core.auth.UserBackend")
                send_verification(user)
                welcome = f"Welcome, {user.username}: your account is made and you are logged in."
                if user.email:
                    welcome += (
                        f" We have sent a link to {user.email}: open it to confirm the address,"
                        " and we will e-mail you about your watchlist there."
                    )
                messages.success(request, welcome)
                return redirect(next_url)
    if status == 200 and form.errors:
        status = 400
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with a budget of requests per network address and per account (the address
    typed): a reset mails someone, so it must not be a way to flood their inbox."""

    def form_valid(self, form):
        try:
            spend_attempt(
                "reset",
                client_address(self.request),
                rate=settings.PASSWORD_RESET_RATE,
                what="this address",
            )
            spend_attempt(
                "reset-account",
                form.cleaned_data["email"],
                rate=settings.PASSWORD_RESET_RATE,
                what="this account",
            )
        except Throttled as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


def verify_email(request, token):
    """The link mailed on sign-up: GET verifies (it only confirms what the signed link says)."""
    user = verify(token)
    if user is None:
        return render(request, "registration/verify_email.html", {"invalid": True}, status=400)
    return render(request, "registration/verify_email.html", {"verified_user": user})


@require_POST
@login_required
def resend_verification(request):
    """Mail the logged-in account a new link, at most PASSWORD_RESET_RATE times (it mails)."""
    try:
        spend_attempt(
            "verify", str(request.user.pk), rate=settings.PASSWORD_RESET_RATE, what="this account"
        )
    except Throttled as error:
        messages.error(request, str(error))
    else:
        send_verification(request.user)
        messages.success(request, f"We have sent a new link to {request.user.email}.")
    return redirect("community:preferences")


def say_logged_out(sender, request, user, **kwargs):
    """Receiver of `user_logged_out`: Django's LogoutView says nothing after it redirects."""
    if request is not None:
        # A request made outside the middleware (the test client's logout) has no messages.
        messages.info(request, "You are logged out.", fail_silently=True)
