"""Member pages. Paths are translated: /mijn/… in Dutch, /en/my/… in English."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from community.views import account, consent, dashboard, notifications, onboarding, profile

urlpatterns = [
    path(_("welcome/"), onboarding.onboarding, name="member_onboarding"),
    path(_("my/"), dashboard.dashboard, name="member_dashboard"),
    path(_("my/profile/"), profile.profile_edit, name="profile_edit"),
    path(_("my/pseudonym/"), profile.pseudonym_change, name="pseudonym_change"),
    path(_("my/consent/"), consent.consent_overview, name="consent_overview"),
    path(_("my/consent/withdraw/"), consent.consent_withdraw, name="consent_withdraw"),
    path(_("terms/<slug:kind>/"), consent.consent_document, name="consent_document"),
    path(_("my/notifications/"), notifications.notification_list, name="notification_list"),
    path(
        _("my/notifications/<int:pk>/"),
        notifications.notification_open,
        name="notification_open",
    ),
    path(
        _("my/notifications/read-all/"),
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path(
        _("my/notifications/preferences/"),
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(_("my/data/"), account.personal_data, name="personal_data"),
    path(_("my/data/download/"), account.personal_data_download, name="personal_data_download"),
    path(_("my/delete-account/"), account.account_delete, name="account_delete"),
    path(_("my/second-factor/"), account.staff_second_factor, name="staff_second_factor"),
]
