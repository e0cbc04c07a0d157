"""Blind double coding: a researcher asks two coders to code one topic on their own.

Nobody sees a coder's round excerpts but the coder, until every coder of the round has
marked their coding done; then everyone who codes sees them (and the agreement).
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from community.models import User
from insights.models import Coding, CodingRound, CodingRoundCoder, Excerpt
from insights.rules import can_be_round_coder, can_code, can_request_double_coding
from projects.models import TopicPage

CODERS_PER_ROUND = 2


def coder_name(user: User) -> str:
    """How staff see a coder: their name, else their e-mail address (staff pages only)."""
    return user.get_full_name() or user.email


def _open_coders() -> QuerySet[CodingRoundCoder]:
    return CodingRoundCoder.objects.filter(coding_round=OuterRef("pk"), done_at__isnull=True)


def coding_rounds_complete() -> QuerySet[CodingRound]:
    """Rounds whose every coder has marked their coding done."""
    return CodingRound.objects.filter(~Exists(_open_coders()))


def coding_rounds_open() -> QuerySet[CodingRound]:
    """Rounds in which at least one coder is still coding."""
    return CodingRound.objects.filter(Exists(_open_coders()))


def coding_round_is_complete(coding_round: CodingRound) -> bool:
    """Every coder is done (uses prefetched coders when there are)."""
    entries = list(coding_round.coders.all())
    return bool(entries) and all(entry.done_at is not None for entry in entries)


def coding_rounds_with_coders() -> QuerySet[CodingRound]:
    """Rounds with their topic, requester and coders: what a list or round page shows."""
    return CodingRound.objects.select_related("topic", "requested_by").prefetch_related(
        Prefetch(
            "coders",
            queryset=CodingRoundCoder.objects.select_related("coder").order_by("pk"),
        )
    )


def coding_rounds_for(user: User) -> QuerySet[CodingRound]:
    """The rounds a user sees in "My coding rounds": those they code in, and for
    researchers and administrators every round."""
    rounds = coding_rounds_with_coders()
    if not can_request_double_coding(user):
        rounds = rounds.filter(coders__coder=user)
    return rounds.order_by("-created_at", "-pk")


def excerpts_visible_to_coder(user: User, topic: TopicPage) -> QuerySet[Excerpt]:
    """The topic's excerpts this user may see: the regular ones (outside any round), their
    own round excerpts, and other coders' round excerpts once every coder of that round is
    done. Every view that shows excerpts of a topic goes through this rule."""
    complete = coding_rounds_complete().filter(topic=topic)
    return Excerpt.objects.filter(topic=topic).filter(
        Q(coding_round__isnull=True) | Q(coder=user) | Q(coding_round__in=complete)
    )


@transaction.atomic
def coding_round_start(*, user: User, topic: TopicPage, coders: Sequence[User]) -> CodingRound:
    """Ask two coders to code a topic blind.

    Only researchers and administrators ask (`can_request_double_coding`). The coders are
    exactly two different accounts holding a community role (researcher, moderator,
    administrator); neither may have an unfinished round on this topic.
    """
    if not can_request_double_coding(user):
        raise PermissionDenied("Only researchers and administrators ask for blind coding.")
    coders = list(coders)
    if len(coders) != CODERS_PER_ROUND or len({coder.pk for coder in coders}) != len(coders):
        raise ValidationError(
            {"coders": gettext("Choose two different people to code this topic.")}
        )
    if not all(can_be_round_coder(coder) for coder in coders):
        raise ValidationError(
            {"coders": gettext("Only researchers, moderators and administrators can code.")}
        )
    busy = CodingRoundCoder.objects.filter(
        coding_round__in=coding_rounds_open().filter(topic=topic), coder__in=coders
    ).select_related("coder")
    if busy:
        raise ValidationError(
            {
                "coders": gettext(
                    "%(names)s still has an unfinished round on this topic. Wait until it is done."
                )
                % {"names": ", ".join(sorted({coder_name(entry.coder) for entry in busy}))}
            }
        )
    coding_round = CodingRound(topic=topic, requested_by=user)
    coding_round.full_clean()
    coding_round.save()
    for coder in coders:
        entry = CodingRoundCoder(coding_round=coding_round, coder=coder)
        entry.full_clean()
        entry.save()
    log(
        instance=coding_round,
        action="insights.coding_round_started",
        user=user,
        title=str(coding_round),
        data={"topic": topic.pk, "coders": [coder.pk for coder in coders]},
    )
    return coding_round


@transaction.atomic
def coding_round_done(*, user: User, coding_round: CodingRound) -> CodingRoundCoder:
    """A coder marks their coding of the round done; after that they cannot code in it.

    Only the round's own coders do this, once each.
    """
    entry = (
        CodingRoundCoder.objects.select_for_update()
        .filter(coding_round=coding_round, coder=user)
        .first()
    )
    if entry is None or not can_code(user):
        raise PermissionDenied("Only the round's coders mark their coding done.")
    if entry.done_at is not None:
        raise ValidationError(gettext("You marked your coding of this round done already."))
    entry.done_at = timezone.now()
    entry.full_clean()
    entry.save(update_fields=["done_at"])
    log(
        instance=coding_round,
        action="insights.coding_round_done",
        user=user,
        title=str(coding_round),
        data={"coder": user.pk},
    )
    # Whoever looks at the round next sees the new state, not a stale prefetch.
    if hasattr(coding_round, "_prefetched_objects_cache"):
        coding_round._prefetched_objects_cache.pop("coders", None)
    return entry


def round_excerpts(coding_round: CodingRound) -> QuerySet[Excerpt]:
    """All excerpts of a round with their codes, for the agreement (complete rounds only:
    callers check `coding_round_is_complete` first)."""
    return (
        Excerpt.objects.filter(coding_round=coding_round)
        .select_related("post")
        .prefetch_related(
            Prefetch("codings", queryset=Coding.objects.select_related("code").order_by("pk"))
        )
        .order_by("post_id", "start", "pk")
    )
