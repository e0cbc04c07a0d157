"""The text box for answers, replies, follow-up questions and edits."""

from django import forms
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from projects.post_text import TEXT_MAX_LENGTH
from projects.submission import SubmissionKeyForm

TEXT_FIELD_TEMPLATE = "projects/includes/post_text_field.html"


def text_limit_display() -> str:
    """The limit as the active language writes numbers: "5.000" in Dutch, "5,000" in
    English."""
    return number_format(TEXT_MAX_LENGTH, force_grouping=True)


class PostTextBoundField(BoundField):
    """The text box, described by its hint, its error and the line that gives the limit
    (post_text_field.html; post_editor.js turns that line into a live count)."""

    @property
    def aria_describedby(self) -> str | None:
        described = super().aria_describedby
        if described is None:  # set on the widget by hand
            return None
        if self.auto_id:
            described = f"{described} {self.count_id}".strip()
        return described

    def as_field_group(self) -> SafeString:
        # Rendered by the site's templates (templates/projects/…): the default form renderer
        # only looks in Django's own form templates and the apps' folders.
        return render_to_string(TEXT_FIELD_TEMPLATE, {"field": self})

    @property
    def count_id(self) -> str:
        return f"{self.auto_id}_count"

    @property
    def max_length_display(self) -> str:
        return text_limit_display()

    @property
    def max_length(self) -> int:
        return TEXT_MAX_LENGTH


class PostTextField(forms.CharField):
    def get_bound_field(self, form: forms.Form, field_name: str) -> BoundField:
        return PostTextBoundField(form, self, field_name)


class PostForm(forms.Form):
    """Only the text: the service checks its length (visible characters) and everything else,
    so the message at the field is the one the service gives."""

    text = PostTextField(
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


class PostCreateForm(SubmissionKeyForm, PostForm):
    """A new answer, reply or follow-up question: the text and its one-time key (sent twice,
    one post: see projects.submission)."""
