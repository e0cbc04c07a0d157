"""How far the two coders of a blind round agree, per code, and where they differ.

The units are the topic's posts: a coder coded a post with code C when any of their round
excerpts on that post carries C. Per code this gives a 2×2 table over all posts of the
topic, from which come the percentage agreement, Cohen's kappa (from its formula, below)
and Krippendorff's alpha for nominal data (the `krippendorff` library). Both coefficients
are "not defined" (None) when there is no variation: both coders gave every post the same
value for that code.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import krippendorff
from django.db.models import Q

from community.models import User
from insights.models import Code, CodingRound, Excerpt
from insights.services.rounds import round_excerpts
from projects.models import Post
from projects.post_text import post_plain_text


@dataclass(frozen=True)
class AgreementTable:
    """Counts of posts: coded with the code by both, by the first only, by the second
    only, by neither."""

    both: int
    first_only: int
    second_only: int
    neither: int

    @property
    def units(self) -> int:
        return self.both + self.first_only + self.second_only + self.neither

    @property
    def percent_agreement(self) -> float | None:
        """Share of posts on which the coders agree, 0–100; None without posts."""
        if not self.units:
            return None
        return 100 * (self.both + self.neither) / self.units

    @property
    def has_variation(self) -> bool:
        """Some post got this code and some did not (from either coder)."""
        return self.both + self.first_only + self.second_only > 0 and (
            self.neither + self.first_only + self.second_only > 0
        )

    @property
    def cohen_kappa(self) -> float | None:
        """Cohen's kappa = (p_o − p_e) / (1 − p_e), with p_o the observed agreement and p_e
        the agreement expected from each coder's own rate of using the code."""
        n = self.units
        if not n or not self.has_variation:
            return None
        first_yes = self.both + self.first_only
        second_yes = self.both + self.second_only
        observed = (self.both + self.neither) / n
        expected = (first_yes * second_yes + (n - first_yes) * (n - second_yes)) / (n * n)
        if expected == 1:
            return None
        return (observed - expected) / (1 - expected)

    @property
    def krippendorff_alpha(self) -> float | None:
        """Krippendorff's alpha for nominal data, two coders, no missing values."""
        if not self.units or not self.has_variation:
            return None
        first = [1] * (self.both + self.first_only) + [0] * (self.second_only + self.neither)
        second = (
            [1] * self.both + [0] * self.first_only + [1] * self.second_only + [0] * self.neither
        )
        return float(
            krippendorff.alpha(
                reliability_data=[first, second],
                level_of_measurement="nominal",
                value_domain=[0, 1],
            )
        )


@dataclass
class Disagreement:
    """A post one coder coded with the code and the other did not, with each coder's
    excerpts on that post that carry the code (empty for the coder who did not)."""

    post: Post
    text: str
    first_excerpts: list[Excerpt]
    second_excerpts: list[Excerpt]


@dataclass
class CodeAgreement:
    code: Code
    table: AgreementTable
    disagreements: list[Disagreement] = field(default_factory=list)


@dataclass
class RoundAgreement:
    first_coder: User
    second_coder: User
    units: int
    codes: list[CodeAgreement]


def round_units(coding_round: CodingRound) -> list[Post]:
    """The posts the coders had before them: the topic's posts written before the round was
    complete and not removed before it began, and any post they coded anyway."""
    entries = list(coding_round.coders.all())
    done = [entry.done_at for entry in entries if entry.done_at is not None]
    posts = Post.objects.filter(topic_id=coding_round.topic_id)
    written = Q(removed_at__isnull=True) | Q(removed_at__gt=coding_round.created_at)
    if done and len(done) == len(entries):
        written &= Q(created_at__lte=max(done))
    coded = Q(excerpts__coding_round=coding_round)
    return list(posts.filter(written | coded).distinct().order_by("created_at", "pk"))


def round_agreement(coding_round: CodingRound) -> RoundAgreement | None:
    """Agreement per code between the round's two coders over all the topic's posts, with
    the posts where they differ. A fixed number of queries, whatever the number of posts.
    None when the round no longer has two coders (a coder's account was deleted)."""
    entries = list(coding_round.coders.all())
    if len(entries) != 2:
        return None
    first, second = (entry.coder for entry in entries)
    posts = round_units(coding_round)
    # (coder, post, code) -> the coder's excerpts on that post carrying the code
    coded: dict[tuple[int, int, int], list[Excerpt]] = defaultdict(list)
    codes: dict[int, Code] = {}
    for excerpt in round_excerpts(coding_round):
        for coding in excerpt.codings.all():
            codes[coding.code_id] = coding.code
            coded[(excerpt.coder_id, excerpt.post_id, coding.code_id)].append(excerpt)

    results = []
    for code in sorted(codes.values(), key=lambda code: code.localized_name.lower()):
        counts = {"both": 0, "first_only": 0, "second_only": 0, "neither": 0}
        disagreements = []
        for post in posts:
            by_first = coded.get((first.pk, post.pk, code.pk), [])
            by_second = coded.get((second.pk, post.pk, code.pk), [])
            if by_first and by_second:
                counts["both"] += 1
            elif not by_first and not by_second:
                counts["neither"] += 1
            else:
                counts["first_only" if by_first else "second_only"] += 1
                disagreements.append(
                    Disagreement(
                        post=post,
                        text="" if post.removed_at else post_plain_text(post.body),
                        first_excerpts=by_first,
                        second_excerpts=by_second,
                    )
                )
        results.append(CodeAgreement(code, AgreementTable(**counts), disagreements))
    return RoundAgreement(first, second, len(posts), results)
