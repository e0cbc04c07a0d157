"""How often a member wants e-mail about each kind of notification."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import EmailFrequency, NotificationKind

# One plain sentence per kind, so the member knows what each choice is about.
KIND_HELP = {
    NotificationKind.REPLY: _("When someone replies to something you wrote."),
    NotificationKind.PROBE: _("When a researcher asks you something more about your answer."),
    NotificationKind.NEW_TOPIC: _("When a project you take part in has a new topic."),
    NotificationKind.PROJECT_INVITATION: _("When a new project is open to you."),
    NotificationKind.MODERATION: _("When a moderator makes a decision about one of your posts."),
    NotificationKind.CONSENT_UPDATE: _(
        "When the research terms or privacy notice change and you need to accept them again."
    ),
}


class NotificationPreferencesForm(forms.Form):
    """One group of radio buttons per notification kind (a fieldset with the kind as legend)."""

    def __init__(self, *args, initial_frequencies: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                help_text=KIND_HELP.get(kind, ""),
                choices=EmailFrequency.choices,
                initial=initial_frequencies.get(kind.value),
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose how often you want an e-mail about this."),
                    "invalid_choice": _(
                        "Choose one of the options: immediately, daily, weekly or never."
                    ),
                },
            )

    def frequencies(self) -> dict[NotificationKind, EmailFrequency]:
        return {
            NotificationKind(kind): EmailFrequency(frequency)
            for kind, frequency in self.cleaned_data.items()
        }
