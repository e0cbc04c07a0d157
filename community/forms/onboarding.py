"""The one form between a verified e-mail address and taking part: pseudonym and consent."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from community.forms.pseudonym import pseudonym_clean, pseudonym_field
from community.models import ConsentDocument, ConsentKind, User

ACCEPT_LABELS = {
    ConsentKind.RESEARCH_TERMS: _("I accept the research participation terms."),
    ConsentKind.PRIVACY_NOTICE: _("I accept the privacy notice."),
}
ACCEPT_REQUIRED = {
    ConsentKind.RESEARCH_TERMS: _("To take part, accept the research participation terms."),
    ConsentKind.PRIVACY_NOTICE: _("To take part, accept the privacy notice."),
}


def accept_field_name(document: ConsentDocument) -> str:
    return f"accept_{document.kind}"


class OnboardingForm(forms.Form):
    """A pseudonym (only for a member without one) and a tick for each live document the
    member has not accepted at its current version."""

    pseudonym = pseudonym_field(_("Pseudonym"))

    def __init__(self, *args, user: User, documents: list[ConsentDocument], **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.documents = documents
        if user.pseudonym:
            del self.fields["pseudonym"]
        for document in documents:
            document.field_name = accept_field_name(document)
            self.fields[document.field_name] = forms.BooleanField(
                label=ACCEPT_LABELS.get(document.kind, document.localized_title),
                help_text=format_html(
                    '<a href="{}" target="_blank" rel="noopener">{}</a> {}',
                    reverse("consent_document", kwargs={"kind": document.kind}),
                    _("Read “%(title)s”") % {"title": document.localized_title},
                    _("(opens in a new tab)"),
                ),
                error_messages={
                    "required": ACCEPT_REQUIRED.get(
                        document.kind, _("To take part, accept this text.")
                    )
                },
                # The tick carries the version read, so a version published meanwhile is
                # never recorded as accepted unseen.
                widget=forms.CheckboxInput(attrs={"value": document.version}),
            )

    @property
    def pseudonym_field(self) -> forms.BoundField | None:
        return self["pseudonym"] if "pseudonym" in self.fields else None

    def document_fields(self) -> list[tuple[ConsentDocument, forms.BoundField]]:
        return [(document, self[document.field_name]) for document in self.documents]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        for document in self.documents:
            ticked = self.data.get(document.field_name)
            if ticked and ticked != str(document.version):
                self.add_error(
                    document.field_name,
                    _("This text has changed since you opened the page. Read it, then accept it."),
                )
                # Shown unticked again: the member accepts the new version knowingly.
                self.data = self.data.copy()
                del self.data[document.field_name]
        return cleaned_data

    def clean_pseudonym(self) -> str:
        return pseudonym_clean(self.cleaned_data["pseudonym"], user=self.user)
