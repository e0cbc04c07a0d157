"""Segments in the Wagtail admin: researchers and administrators define who a project reaches.

The listing counts the members of every segment on the page in one query; the edit page shows
the exact count and refreshes it from the unsaved form while the researcher edits the rules.
Counts are exact here: this is a staff-only area.
"""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column, DateColumn, UserColumn
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from community.models import Role, Segment, SegmentRule, User
from community.models.segments import CRITERION_CHOICES

URL_NAMESPACE = "segments"
VALID_CRITERIA = {value for _group, choices in CRITERION_CHOICES for value, _label in choices}
MAX_RULES_COUNTED = 200  # a posted form never has more; guards the count endpoint
UNKNOWN_SHOWN = 20


def pseudonyms_parse(text: str) -> list[str]:
    """One pseudonym per line (commas also separate), spaces tidied, duplicates dropped."""
    names: dict[str, str] = {}
    for line in text.replace(",", "\n").splitlines():
        name = " ".join(line.split())
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def parents_by_pseudonym(names: Iterable[str]) -> tuple[list[User], list[str]]:
    """The non-staff accounts with these pseudonyms (any case), and the names nobody has."""
    names = list(names)
    if not names:
        return [], []
    found = list(
        User.objects.filter(is_superuser=False)
        .exclude(groups__name__in=Role.values)
        .annotate(lowered=Lower("pseudonym"))
        .filter(lowered__in=[name.lower() for name in names])
        .order_by("lowered")
    )
    known = {user.pseudonym.lower() for user in found}
    return found, [name for name in names if name.lower() not in known]


def member_count_text(count: int) -> str:
    return ngettext(
        "%(count)d member is in this segment.",
        "%(count)d members are in this segment.",
        count,
    ) % {"count": count}


class SegmentForm(WagtailAdminModelForm):
    """Members are added by typing pseudonyms, one per line: a list of thousands of accounts
    would be unusable, and pseudonyms are how researchers know the parents."""

    invited_pseudonyms = forms.CharField(
        label=_("Members added by hand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "One pseudonym per line. These members belong to the segment whatever the rules "
            "say, as long as they take part in the community."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "invited_pseudonyms" not in self.initial:
            pseudonyms = self.instance.invited_members.exclude(pseudonym="").values_list(
                "pseudonym", flat=True
            )
            self.initial["invited_pseudonyms"] = "\n".join(sorted(pseudonyms, key=str.lower))

    def clean_invited_pseudonyms(self) -> list[User]:
        users, unknown = parents_by_pseudonym(
            pseudonyms_parse(self.cleaned_data["invited_pseudonyms"])
        )
        if unknown:
            shown = ", ".join(unknown[:UNKNOWN_SHOWN])
            if len(unknown) > UNKNOWN_SHOWN:
                shown += " …"
            raise ValidationError(
                ngettext(
                    "No member has the pseudonym %(names)s. Check the spelling: one pseudonym "
                    "per line.",
                    "No member has these %(count)d pseudonyms: %(names)s. Check the spelling: "
                    "one pseudonym per line.",
                    len(unknown),
                ),
                code="unknown_pseudonym",
                params={"names": shown, "count": len(unknown)},
            )
        return users

    def save(self, commit: bool = True) -> Segment:
        # Kept in memory by modelcluster until the segment itself is saved.
        self.instance.invited_members = self.cleaned_data["invited_pseudonyms"]
        if self.instance._state.adding and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class SegmentCountPanel(Panel):
    """The exact number of members in the segment, refreshed by segment_count.js while the
    rules change (the number shown without JavaScript is the saved segment's)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "community/admin/segment_count_panel.html"

        class Media:
            js = ["js/segment_count.js"]

        def get_context_data(self, parent_context: dict | None = None) -> dict:
            context = super().get_context_data(parent_context)
            count = self.instance.members().count() if self.instance.pk else 0
            context["count_text"] = member_count_text(count)
            context["count_url"] = reverse(f"{URL_NAMESPACE}:count")
            return context


class SegmentIndexView(IndexView):
    def paginate_queryset(self, queryset, page_size: int) -> tuple:
        """Count the members of the segments on this page together, in one query."""
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        segments = list(object_list)
        counts = Segment.member_counts(segments)
        for segment in segments:
            segment.member_count = counts[segment.pk]
        page.object_list = segments
        return paginator, page, segments, is_paginated


class SegmentViewSet(SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    menu_order = 250
    add_to_admin_menu = True
    admin_url_namespace = URL_NAMESPACE
    base_url_path = "segments"
    copy_view_enabled = False
    index_view_class = SegmentIndexView
    list_display = [
        "name",
        Column("member_count", label=_("Members now")),
        UserColumn("created_by", label=_("Created by")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            InlinePanel(
                "rules",
                heading=_("Rules"),
                label=_("Rule"),
                help_text=_(
                    "Rules on the same question are alternatives: one of them is enough. Rules "
                    "on different questions must all hold. Without rules, only the members "
                    "added by hand are in the segment."
                ),
                panels=[FieldPanel("criterion")],
            ),
            FieldPanel("invited_pseudonyms"),
            SegmentCountPanel(heading=_("Members reached")),
        ],
        base_form_class=SegmentForm,
    )

    def get_queryset(self, request: HttpRequest):
        return Segment.objects.select_related("created_by").prefetch_related("rules")

    def count_view(self, request: HttpRequest) -> JsonResponse:
        """The exact number of members for the rules and pseudonyms in the (unsaved) form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.permission_policy.user_has_any_permission(request.user, ["add", "change"]):
            return JsonResponse({"error": "forbidden"}, status=403)
        segment = Segment()
        segment.rules = [
            SegmentRule(criterion=criterion) for criterion in posted_criteria(request.POST)
        ]
        invited, unknown = parents_by_pseudonym(
            pseudonyms_parse(request.POST.get("invited_pseudonyms", ""))
        )
        segment.invited_members = invited
        count = segment.members().count()
        return JsonResponse({"count": count, "text": member_count_text(count), "unknown": unknown})

    def get_urlpatterns(self) -> list:
        return [*super().get_urlpatterns(), path("count/", self.count_view, name="count")]


def posted_criteria(data) -> list[str]:
    """The rules in a posted segment form (Wagtail's inline formset "rules"), minus the ones
    marked for deletion and anything that is not a known criterion."""
    try:
        total = min(int(data.get("rules-TOTAL_FORMS", 0)), MAX_RULES_COUNTED)
    except ValueError:
        return []
    criteria = []
    for index in range(total):
        if data.get(f"rules-{index}-DELETE"):
            continue
        criterion = data.get(f"rules-{index}-criterion", "")
        if criterion in VALID_CRITERIA:
            criteria.append(criterion)
    return criteria
