"""Demo research profiles and a demo segment, used by `manage.py seed_demo`.

Months are counted back from the day of seeding, so the demo ages hold on any date. Every
function is idempotent: what exists already is left alone.
"""

from django.db import transaction

from community.models import MemberProfile, Segment, SegmentRule, User
from community.models.profiles import month_start, months_added
from community.services.profiles import profile_update

# email: (months since birth per child, negative while expected), province, languages
DEMO_PROFILES = {
    "ouder1@example.org": ([6], "antwerpen", ["nl", "ar"]),
    "ouder2@example.org": ([-4, 48], "oost-vlaanderen", ["nl", "tr"]),
    "ouder3@example.org": ([3], "antwerpen", ["nl"]),
    "ouder4@example.org": ([9, 9], "antwerpen", ["nl", "fr"]),
    "ouder5@example.org": ([1], "antwerpen", ["nl"]),
    "ouder6@example.org": ([11], "antwerpen", ["nl", "ar"]),
    "ouder7@example.org": ([2], "limburg", ["nl"]),
}
DEMO_SEGMENT = {
    "name": "Jonge gezinnen in Antwerpen",
    "description": "Ouders met een kind van 0 tot 1 jaar die in de provincie Antwerpen wonen.",
    "rules": ["age:0-1", "province:antwerpen"],
}


@transaction.atomic
def demo_profiles_seed() -> int:
    """Fill in the research profile of the demo parents who have none; returns how many."""
    filled = 0
    this_month = month_start()
    for user in User.objects.filter(email__in=DEMO_PROFILES).exclude(
        pk__in=MemberProfile.objects.values("user_id")
    ):
        ages, province, languages = DEMO_PROFILES[user.email]
        profile_update(
            user=user,
            province=province,
            family_situation="",
            service_channel="",
            languages=languages,
            children=[months_added(this_month, -age) for age in ages],
        )
        filled += 1
    return filled


@transaction.atomic
def demo_segment_seed(*, created_by_email: str) -> bool:
    """Create the demo segment when it does not exist; returns whether it was created."""
    if Segment.objects.filter(name=DEMO_SEGMENT["name"]).exists():
        return False
    segment = Segment(
        name=DEMO_SEGMENT["name"],
        description=DEMO_SEGMENT["description"],
        created_by=User.objects.filter(email__iexact=created_by_email).first(),
    )
    segment.rules = [SegmentRule(criterion=criterion) for criterion in DEMO_SEGMENT["rules"]]
    segment.full_clean()
    segment.save()
    return True
