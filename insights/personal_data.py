"""Excerpts of what members wrote, in their data download and on account erasure.

Imported from InsightsConfig.ready(): `community` keeps the registry and never imports us.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.personal_data import PersonalDataSource, exclude, register, timestamp
from insights.models import Excerpt

# --- coding (excerpts) ---


def excerpts_export(user) -> list[dict]:
    """The passages of the member's posts that researchers quoted: their own words, where
    and when. The codes, memos and coders are the staff's work about the posts and stay out."""
    excerpts = Excerpt.objects.filter(author=user).select_related("topic")
    return [
        {
            "post": excerpt.post_id,
            "topic": excerpt.topic.localized_title,
            "text": excerpt.quote,
            "created_at": timestamp(excerpt.created_at),
        }
        for excerpt in excerpts.order_by("created_at", "pk")
    ]


def excerpts_erase(user, remove_contributions: bool) -> None:
    """Excerpts stay as research data. Without the choice, deleting the user leaves them
    under "former member" (author NULL, author_key kept, so counts of parents stay right).
    When the member asks for their posts to be removed, the quotes go too: blanked, with
    quote_removed_at set; the codings stay, so counts stay."""
    if remove_contributions:
        Excerpt.objects.filter(author=user).update(quote="", quote_removed_at=timezone.now())


register(
    PersonalDataSource(
        key="excerpts",
        title=lambda: _("Passages of your posts quoted in research"),
        models=("insights.Excerpt",),
        export=excerpts_export,
        erase=excerpts_erase,
    )
)

_STAFF_WORK = (
    "The staff's own work record (who coded, requested, wrote or changed it), not data about "
    "a parent; an erased staff account leaves no link to it (SET_NULL or CASCADE)."
)
for label in (
    "insights.Coding",
    "insights.CodingRound",
    "insights.CodingRoundCoder",
    "insights.Code",
    "insights.Insight",
    "insights.InsightEvidence",
    "insights.InsightStatusChange",
    "insights.ActionEntry",
    "insights.PublicUpdate",
    "insights.ExportJob",
):
    exclude(label, _STAFF_WORK)
