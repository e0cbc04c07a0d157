"""Polls: a parent votes once, then sees the results (counted in distinct voters).

A vote is final: members see the results only after voting, so changing a vote afterwards
would let the results sway the answer. An optional comment is stored as an ordinary post in
the topic (same sanitizer, limits and moderation as any answer).
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from community.models import User
from projects import rules
from projects.models import PollOption, PollVote, TopicPage
from projects.services.posts import post_create

# Below this many voters parents see "fewer than 5" instead of counts (the privacy threshold:
# with two voters, a parent could tell what the other chose). Staff always see the counts.
POLL_RESULTS_MIN_VOTERS = 5


@dataclass
class PollResult:
    option: PollOption
    count: int
    percent: int
    chosen: bool


@dataclass
class PollState:
    """What the poll block on a topic page shows to one reader."""

    topic: TopicPage
    options: list[PollOption]
    voters: int
    own_option_ids: set[int]
    may_vote: bool
    results: list[PollResult] = field(default_factory=list)

    @property
    def has_voted(self) -> bool:
        return bool(self.own_option_ids)

    @property
    def results_visible(self) -> bool:
        return bool(self.results)

    @property
    def below_threshold(self) -> bool:
        return self.voters < POLL_RESULTS_MIN_VOTERS


def poll_state(*, user: User, topic: TopicPage) -> PollState:
    """The options, the reader's own vote and, after voting (staff: always), the results, in
    one query whatever the number of options and votes."""
    voter_count = (
        PollVote.objects.filter(option__topic=topic)
        .order_by()
        .values("option__topic")
        .annotate(count=Count("user", distinct=True))
        .values("count")
    )
    user_id = user.pk if user.is_authenticated else None
    options = list(
        PollOption.objects.filter(topic=topic)
        .annotate(
            vote_count=Count("votes"),
            chosen=Exists(PollVote.objects.filter(option=OuterRef("pk"), user_id=user_id)),
            voters=Coalesce(Subquery(voter_count, output_field=IntegerField()), 0),
        )
        .order_by("sort_order", "pk")
    )
    voters = options[0].voters if options else 0
    own = {option.pk for option in options if option.chosen}
    is_staff = user.is_authenticated and user.is_community_staff
    state = PollState(
        topic=topic,
        options=options,
        voters=voters,
        own_option_ids=own,
        may_vote=not own and rules.can_vote(user, topic),
    )
    if is_staff or (own and not state.below_threshold):
        state.results = [
            PollResult(
                option=option,
                count=option.vote_count,
                percent=round(option.vote_count * 100 / voters) if voters else 0,
                chosen=option.pk in own,
            )
            for option in options
        ]
    return state


@transaction.atomic
def poll_vote(
    *,
    user: User,
    topic: TopicPage,
    option_ids: Iterable[int],
    comment: str = "",
    submission_key: uuid.UUID | None = None,
) -> list[PollVote]:
    """Record a parent's vote: exactly one option in a single-choice poll, at least one in a
    multiple-choice poll, all from this topic; once per member (a vote is final). A comment,
    where the poll allows one, becomes a post in the topic (with the form's submission key);
    if it is refused nothing is saved.

    A second vote, one after the other or at the same moment, is refused with the
    ValidationError coded "already_voted" (no field: it is about the whole poll).
    """
    if not rules.can_vote(user, topic):
        raise PermissionDenied("This user cannot vote in this topic.")
    # One vote at a time per member: two quick submits cannot both pass the check below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if PollVote.objects.filter(option__topic=topic, user=user).exists():
        raise ValidationError(_("You already voted in this poll."), code="already_voted")
    wanted = set(option_ids)
    if not wanted:
        raise ValidationError({"options": _("Choose an option.")}, code="no_option")
    if len(wanted) > 1 and not topic.poll_multiple:
        raise ValidationError({"options": _("Choose one option.")}, code="too_many")
    options = list(PollOption.objects.filter(topic=topic, pk__in=wanted))
    if len(options) != len(wanted):
        raise ValidationError(
            {"options": _("Choose from the options of this poll.")}, code="unknown_option"
        )
    votes = PollVote.objects.bulk_create([PollVote(option=option, user=user) for option in options])
    comment = comment.strip()
    if comment:
        if not topic.poll_comment:
            raise ValidationError(
                {"comment": _("This poll takes no comment.")}, code="no_comment_allowed"
            )
        try:
            post_create(author=user, topic=topic, text=comment, submission_key=submission_key)
        except ValidationError as error:
            messages = (
                error.messages
                if not hasattr(error, "error_dict")
                else sum(error.message_dict.values(), [])
            )
            raise ValidationError({"comment": messages}) from error
    return votes
