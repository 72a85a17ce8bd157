"""Forms of accounts: they validate and normalise only; the views and services write."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        """One account an address: notifications and password resets go to the address, so a
        second account on it could read the first one's mail."""
        email = self.cleaned_data.get("email", "").strip()
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "Another account already uses this e-mail address. Log in to it, or reset its "
                "password if you have forgotten it."
            )
        return email
