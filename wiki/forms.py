"""Forms of the wiki: they validate input; the services normalise it and do the writing."""

from django import forms

from wiki.services import PageError, validate_new_slug


def _valid_title(title: str) -> str:
    """`title` as typed, when a page could take it; the service normalises it."""
    try:
        validate_new_slug(title)
    except PageError as error:
        raise forms.ValidationError(str(error)) from None
    return title


class EditForm(forms.Form):
    """The edit and create form. `title` is asked for only when creating a page that no topic
    names (a topic's entry takes the topic's name); "minor edit" only when editing."""

    title = forms.CharField(max_length=255, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "cols": 80}),
        strip=False,
        max_length=200_000,
        help_text="Markdown. Link pages with [[Page title]] and cite posts with [[post:slug]].",
    )
    summary = forms.CharField(
        max_length=300,
        required=False,
        label="Edit summary",
        help_text="Briefly, what did you change and why?",
    )
    minor = forms.BooleanField(required=False, label="This is a minor edit")
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, creating: bool = False, asks_title: bool | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if asks_title is None:
            asks_title = creating
        if asks_title:
            self.fields["title"].required = True
        else:
            del self.fields["title"]
        if creating:
            del self.fields["minor"]  # a first version is never a minor edit

    def clean_title(self):
        return _valid_title(self.cleaned_data["title"])


class MoveForm(forms.Form):
    new_title = forms.CharField(max_length=255, label="New title")
    reason = forms.CharField(
        max_length=500, label="Reason", help_text="Shown in the public moderation log."
    )

    def clean_new_title(self):
        return _valid_title(self.cleaned_data["new_title"])
