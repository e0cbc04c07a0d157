"""Admin forms for regions, teams and staff members: leads and staff are chosen among the
staff accounts that exist (created under Users), and a lead must hold the team-lead role."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from community.models import Role, User
from feedback.forms.follow_ups import account_label


def staff_accounts() -> QuerySet[User]:
    """Active accounts with a staff role (or superusers): never parents' accounts."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=Role.values))
        .distinct()
        .order_by("email")
    )


def _leads_clean(leads: QuerySet[User]) -> QuerySet[User]:
    without_role = list(leads.exclude(groups__name=Role.TEAM_LEAD).order_by("email"))
    if without_role:
        names = ", ".join(user.email for user in without_role)
        raise ValidationError(
            ngettext(
                "%(names)s does not have the team-lead role. Give the role under Users first.",
                "%(names)s do not have the team-lead role. Give them the role under Users first.",
                len(without_role),
            ),
            code="not_team_lead",
            params={"names": names},
        )
    return leads


class LeadsForm(WagtailAdminModelForm):
    """Regions and teams: the leads field lists staff accounts by name and e-mail."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leads"]
        field.queryset = staff_accounts()
        field.label_from_instance = account_label
        field.help_text = _(
            "Accounts with the team-lead role. Hold Ctrl (Cmd on a Mac) to choose more than one."
        )

    def clean_leads(self) -> QuerySet[User]:
        return _leads_clean(self.cleaned_data["leads"])


class StaffMemberForm(WagtailAdminModelForm):
    """The account is one that exists; saving gives it the staff-member role."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = staff_accounts()
        field.label_from_instance = account_label
        field.help_text = _(
            "Create the account under Users first (with its e-mail address), then choose it "
            "here. Saving gives it the role “Staff member”."
        )
