"""The text box for answers, replies, follow-up questions and edits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.post_text import TEXT_MAX_LENGTH


class PostForm(forms.Form):
    """Only the text: the service checks its length (visible characters) and everything else,
    so the message at the field is the one the service gives."""

    text = forms.CharField(
        label=_("Your text"),
        # A generous bound for the raw text with its marks; the visible length is checked
        # by post_create.
        max_length=TEXT_MAX_LENGTH * 2,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "post-editor__text"}),
        help_text=_(
            "Marks you can type: **bold**, *italic*, a line starting with “- ” for a list, "
            "[text](https://…) for a link."
        ),
        error_messages={"required": _("Write your text first.")},
    )

    def __init__(self, *args, label: str | None = None, prefix: str | None = None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        if label:
            self.fields["text"].label = label
