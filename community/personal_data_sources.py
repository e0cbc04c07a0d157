"""Community's sections of the data download, and what is left out of it on purpose.

Imported from CommunityConfig.ready(). Rows hold plain JSON values; a choice is written as
{"code": …, "name": …}: the stored code for machines, its name (in the request's language) for
people.
"""

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils.translation import gettext_lazy as _

from community.models import (
    ConsentRecord,
    MemberProfile,
    Notification,
    NotificationPreference,
    PseudonymHold,
    Segment,
    User,
)
from community.personal_data import PersonalDataSource, choice, exclude, register, timestamp


def account_export(user: User) -> list[dict]:
    return [
        {
            "email": user.email,
            "pseudonym": user.pseudonym,
            "pseudonym_changed_at": timestamp(user.pseudonym_changed_at),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": choice(user.language, user.get_language_display()),
            "research_id": user.research_id,
            "date_joined": timestamp(user.date_joined),
            "last_login": timestamp(user.last_login),
            "is_active": user.is_active,
            "roles": [choice(role.value, role.label) for role in user.roles],
            "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
        }
    ]


def pseudonym_holds_export(user: User) -> list[dict]:
    """Pseudonyms the member gave up, kept for them until the hold ends (then deleted). The
    skeleton is left out: it is the pseudonym itself, folded for comparison."""
    return [
        {
            "pseudonym": hold.pseudonym,
            "created_at": timestamp(hold.created_at),
            "held_until": timestamp(hold.held_until),
        }
        for hold in PseudonymHold.objects.filter(user=user).order_by("created_at", "pk")
    ]


def profile_export(user: User) -> list[dict]:
    profile = (
        MemberProfile.objects.filter(user=user)
        .prefetch_related("children", "home_languages")
        .first()
    )
    if profile is None:
        return []
    children = []
    for child in profile.children.all():
        band = child.age_band
        children.append(
            {
                "month": child.month.strftime("%Y-%m"),
                "expecting": child.is_expected,
                "age_band": choice(band, band.label) if band else None,
            }
        )
    return [
        {
            "children": children,
            "age_bands": [choice(band, band.label) for band in profile.age_bands()],
            "province": choice(profile.province, profile.get_province_display()),
            "languages": [
                choice(row.language, row.get_language_display())
                for row in profile.home_languages.all()
            ],
            "family_situation": choice(
                profile.family_situation, profile.get_family_situation_display()
            ),
            "service_channel": choice(
                profile.service_channel, profile.get_service_channel_display()
            ),
            "updated_at": timestamp(profile.updated_at),
        }
    ]


def consent_export(user: User) -> list[dict]:
    records = ConsentRecord.objects.filter(user=user).select_related("document").latest_first()
    return [
        {
            "document": choice(record.document.kind, record.document.localized_title),
            "version": record.version,
            "action": choice(record.action, record.get_action_display()),
            "created_at": timestamp(record.created_at),
        }
        for record in records
    ]


def notifications_export(user: User) -> list[dict]:
    notifications = Notification.objects.filter(recipient=user).select_related("actor")
    return [
        {
            "kind": choice(notification.kind, notification.get_kind_display()),
            "text": notification.text,
            "link": notification.localized_url(),
            "created_at": timestamp(notification.created_at),
            "read_at": timestamp(notification.read_at),
            "emailed_at": timestamp(notification.emailed_at),
        }
        for notification in notifications
    ]


def notification_preferences_export(user: User) -> list[dict]:
    return [
        {
            "kind": choice(preference.kind, preference.get_kind_display()),
            "frequency": choice(preference.frequency, preference.get_frequency_display()),
        }
        for preference in NotificationPreference.objects.filter(user=user).order_by("kind")
    ]


def segments_export(user: User) -> list[dict]:
    """Groups a researcher added the member to by hand (rule-based groups are not stored)."""
    return [
        {"segment": name}
        for name in Segment.objects.filter(invited_members=user).values_list("name", flat=True)
    ]


def email_addresses_export(user: User) -> list[dict]:
    return [
        {"email": address.email, "primary": address.primary, "verified": address.verified}
        for address in user.emailaddress_set.order_by("-primary", "email")
    ]


def two_factor_export(user: User) -> list[dict]:
    """Only that an authenticator is set up, and when: never its secret or recovery codes."""
    return [
        {
            "type": choice(authenticator.type, authenticator.get_type_display()),
            "created_at": timestamp(authenticator.created_at),
            "last_used_at": timestamp(authenticator.last_used_at),
        }
        for authenticator in Authenticator.objects.filter(user=user).order_by("created_at")
    ]


def sessions_export(user: User) -> list[dict]:
    return [
        {
            "ip": session.ip,
            "user_agent": session.user_agent,
            "created_at": timestamp(session.created_at),
            "last_seen_at": timestamp(session.last_seen_at),
        }
        for session in UserSession.objects.filter(user=user).order_by("-last_seen_at")
    ]


def sessions_erase(user: User, remove_contributions: bool) -> None:
    """Log the member out everywhere: drop each session from the session store too."""
    for session in UserSession.objects.filter(user=user):
        session.end()


register(
    PersonalDataSource(
        key="account",
        title=lambda: _("Account"),
        models=("community.User", "community.User_groups", "community.User_user_permissions"),
        export=account_export,
    )
)
register(
    PersonalDataSource(
        key="pseudonym_holds",
        title=lambda: _("Earlier pseudonyms reserved for you"),
        # Deleted with the account (CASCADE), which frees them at once.
        models=("community.PseudonymHold",),
        export=pseudonym_holds_export,
    )
)
register(
    PersonalDataSource(
        key="profile",
        title=lambda: _("Research profile"),
        models=("community.MemberProfile", "community.Child", "community.HomeLanguage"),
        export=profile_export,
    )
)
register(
    PersonalDataSource(
        key="consent",
        title=lambda: _("Consent given and withdrawn"),
        models=("community.ConsentRecord",),
        export=consent_export,
    )
)
register(
    PersonalDataSource(
        key="notifications",
        title=lambda: _("Notifications"),
        # As recipient they go with the account; as actor the link is set to empty.
        models=("community.Notification",),
        export=notifications_export,
    )
)
register(
    PersonalDataSource(
        key="notification_preferences",
        title=lambda: _("E-mail preferences"),
        models=("community.NotificationPreference",),
        export=notification_preferences_export,
    )
)
register(
    PersonalDataSource(
        key="segments",
        title=lambda: _("Groups a researcher added you to"),
        models=("community.Segment_invited_members",),
        export=segments_export,
    )
)
register(
    PersonalDataSource(
        key="email_addresses",
        title=lambda: _("E-mail addresses"),
        models=("account.EmailAddress",),
        export=email_addresses_export,
    )
)
register(
    PersonalDataSource(
        key="two_factor",
        title=lambda: _("Two-factor authentication"),
        models=("mfa.Authenticator",),
        export=two_factor_export,
    )
)
register(
    PersonalDataSource(
        key="sessions",
        title=lambda: _("Devices where you are logged in"),
        models=("usersessions.UserSession",),
        export=sessions_export,
        erase=sessions_erase,
    )
)

# Staff work and technical records: they describe what staff did, not the member, or they
# hold secrets. Each goes (CASCADE) or loses its link (SET_NULL) when an account is deleted.
_STAFF_WORK = "Staff work in the Wagtail admin; parents have no access there."
for label, reason in {
    "community.Segment": "created_by names the researcher who made the segment; "
    "the member's own place in segments is in the 'segments' section.",
    "wagtailusers.UserProfile": "Admin interface preferences (language, theme) of staff.",
    "wagtaildocs.Document": f"Documents uploaded by staff. {_STAFF_WORK}",
    "wagtailimages.Image": f"Images uploaded by staff. {_STAFF_WORK}",
    "wagtailcore.UploadedFile": f"Files uploaded by staff while editing. {_STAFF_WORK}",
    "wagtailadmin.EditingSession": f"Who is editing a page right now. {_STAFF_WORK}",
    "wagtailadmin.FormState": f"Unsaved admin form drafts. {_STAFF_WORK}",
    "wagtailcore.APIToken": "Secret API tokens of staff; never exported.",
    "wagtailcore.Page": f"Page owner and lock (owner/locked_by). {_STAFF_WORK}",
    "wagtailcore.Revision": f"Revisions of pages and snippets written by staff. {_STAFF_WORK}",
    "wagtailcore.WorkflowState": f"Publishing workflows. {_STAFF_WORK}",
    "wagtailcore.TaskState": f"Publishing workflow steps. {_STAFF_WORK}",
    "wagtailcore.Comment": f"Comments on pages between editors. {_STAFF_WORK}",
    "wagtailcore.CommentReply": f"Replies to editors' comments. {_STAFF_WORK}",
    "wagtailcore.PageSubscription": f"Editors' comment notifications. {_STAFF_WORK}",
    "wagtailcore.ReferenceIndex": "Index of links between content objects; users are not in it.",
    "wagtailcore.ModelLogEntry": "Audit trail of staff actions (who changed what, e.g. roles). "
    "On erasure, entries about the account keep no e-mail address or pseudonym.",
    "wagtailcore.PageLogEntry": f"Audit trail of page edits. {_STAFF_WORK}",
    "admin.LogEntry": "Audit trail of the technical admin (administrators only). On erasure, "
    "entries about the account keep no e-mail address.",
    "taggit.TaggedItem": "Tags on content pages; users are never tagged.",
    "wagtailsearch.IndexEntry": "Search index of pages and snippets; users are not indexed.",
    "community.Broadcast": "Who sent an invitation, a new topic or results to an audience "
    f"(actor). {_STAFF_WORK} The notifications a member received are in their data download.",
}.items():
    exclude(label, reason)
