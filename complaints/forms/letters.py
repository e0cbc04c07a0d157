"""The letter part of the acknowledge, refuse and answer forms, and the letter template form.

A letter form has two buttons: "fill in" puts the chosen template, filled in for the
complaint, into the subject and text fields (nothing is sent), and "send" sends the text as it
stands in the fields, changed or not."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from complaints.models import AnswerTemplate
from complaints.services.letters import (
    BODY_MAX_LENGTH,
    PLACEHOLDERS,
    SUBJECT_MAX_LENGTH,
    LetterDraft,
    template_text_check,
)

FILL = "fill"


class StepForm(forms.Form):
    """The form of one handling step: its fields' ids start with the step's name, so the
    complaint's page, which shows several steps' forms at once, has no id twice."""

    step: str = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.step}-%s")
        super().__init__(*args, **kwargs)


class LetterForm(StepForm):
    """Template, subject and text; `templates` are the active templates (read once for the
    whole page), `filling` True while only filling in (subject and text not needed yet)."""

    kind: str = ""

    template = forms.TypedChoiceField(
        label=_("Template"), coerce=int, required=False, empty_value=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Letter"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Choose a template and press “Fill in the letter”: the text appears here. Check "
            "it, change what you want, then send."
        ),
        error_messages={"required": _("Fill in the letter from a template first, then check it.")},
    )

    def __init__(
        self, *args, templates: list[AnswerTemplate], filling: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {t.pk: t for t in templates if t.kind == self.kind}
        self.fields["template"].choices = [
            ("", _("No template")),
            *((pk, f"{t.name} ({t.language})") for pk, t in self.templates.items()),
        ]
        if filling:
            self.fields["subject"].required = False
            self.fields["body"].required = False

    def clean_template(self) -> AnswerTemplate | None:
        pk = self.cleaned_data.get("template")
        if pk is None:
            return None
        template = self.templates.get(pk)
        if template is None:
            raise forms.ValidationError(_("Choose one of the templates."), code="invalid_choice")
        return template

    def draft(self, language: str) -> LetterDraft:
        template = self.cleaned_data.get("template")
        return LetterDraft(
            subject=self.cleaned_data.get("subject", ""),
            body=self.cleaned_data.get("body", ""),
            language=template.language if template else language,
            template=template,
        )


class AnswerTemplateForm(WagtailAdminModelForm):
    """A letter template in the admin: only the known placeholders."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        known = " ".join(f"{{{word}}}" for word in PLACEHOLDERS)
        if "body" in self.fields:
            self.fields["body"].help_text = _(
                "Placeholders: %(known)s. An answer letter always ends with the referral to "
                "the Vlaamse Ombudsdienst: it is added when you send it, so leave it out here."
            ) % {"known": known}

    def clean_subject(self) -> str:
        subject = self.cleaned_data.get("subject", "")
        template_text_check(subject)
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        template_text_check(body)
        return body
