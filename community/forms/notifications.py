"""How often a member wants e-mail about each kind of notification."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import EmailFrequency, NotificationKind, Role, User

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
    NotificationKind.EXPORT_READY: _("When an export you started is ready to download."),
    NotificationKind.FEEDBACK_FOLLOW_UP: _(
        "When a parent's feedback in your team or region needs a follow-up, or one is overdue."
    ),
    NotificationKind.FEEDBACK_REPORT: _("When the monthly feedback report is ready."),
    NotificationKind.COMPLAINT_ASSIGNED: _("When a complaint is assigned to you."),
    NotificationKind.COMPLAINT_DEADLINE: _(
        "When a complaint you handle is 5 days from a deadline, or a deadline is missed."
    ),
    NotificationKind.COMPLAINT_SAFEGUARDING: _(
        "When a complaint raises a concern about a child's safety. This e-mail always goes out."
    ),
}


# Kinds only staff receive, each with who gets them. Mirrors projects.rules.can_export_posts
# (researchers and administrators whose role counts now): community imports no other app.
STAFF_KINDS = {
    NotificationKind.EXPORT_READY: (Role.RESEARCHER, Role.ADMIN),
    NotificationKind.FEEDBACK_FOLLOW_UP: (Role.TEAM_LEAD, Role.ADMIN),
    NotificationKind.FEEDBACK_REPORT: (Role.TEAM_LEAD, Role.ADMIN),
    NotificationKind.COMPLAINT_ASSIGNED: (Role.COMPLAINTS_OFFICER, Role.COMPLAINTS_LEAD),
    NotificationKind.COMPLAINT_DEADLINE: (Role.COMPLAINTS_OFFICER, Role.COMPLAINTS_LEAD),
    NotificationKind.COMPLAINT_SAFEGUARDING: (Role.SAFEGUARDING_OFFICER,),
}


def _receives(user: User | None, kind: NotificationKind) -> bool:
    roles = STAFF_KINDS.get(kind)
    if roles is None:
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and user.staff_powers
        and (user.is_superuser or any(user.has_role(role) for role in roles))
    )


class NotificationPreferencesForm(forms.Form):
    """One group of radio buttons per notification kind (a fieldset with the kind as legend).
    Staff-only kinds (STAFF_KINDS) appear only for a `user` who gets them: a parent never
    sees "Exports ready to download"."""

    def __init__(
        self, *args, initial_frequencies: dict[str, str], user: User | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            if not _receives(user, kind):
                continue
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
