"""Forms of community: they validate and normalise only; the services write."""

from django import forms

from community.blocks import DURATION_CHOICES, BlockError, parse_duration
from community.models import EmailMode, Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email_mode", "watch_edits"]
        labels = {
            "email_mode": "E-mail about changes on my watchlist",
            "watch_edits": "Watch the pages and topics I edit or discuss",
        }
        help_texts = {"watch_edits": "They join your watchlist when you save an edit or a comment."}
        widgets = {"email_mode": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_mode"].choices = EmailMode.choices


class TalkForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Subject (for a new thread)")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        max_length=20_000,
        strip=False,
        label="Comment",
        help_text="Markdown. Be kind; say which part of the entry you mean.",
    )
    thread = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000, strip=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason (shown in the public log)")


class BlockForm(ReasonForm):
    duration = forms.CharField(
        max_length=40,
        initial="1 day",
        help_text="For example " + ", ".join(f"“{d}”" for d in DURATION_CHOICES) + ".",
    )

    def clean_duration(self):
        duration = self.cleaned_data["duration"]
        try:
            parse_duration(duration)
        except BlockError as error:
            raise forms.ValidationError(str(error)) from None
        return duration
