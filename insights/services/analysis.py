"""Analysis of a project's coded excerpts: filters, code frequencies and code × profile
cross-tables, all counted by the database in grouped queries.

Parents are counted by the excerpt's pseudonymous key (`Excerpt.author_key`), so a parent
whose account was erased still counts once, and staff posts (blank key) never count as a
parent. Profile variables (age band of the children, province, home language) are derived
from the author's profile on the day of asking, as the statistics export does. Excerpts of
a blind coding round count only once every coder of that round has marked it done, so the
analysis never shows a coder's blind codings early.

The counts here are exact: they are shown to the moderator team only.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from community.models import HomeLanguage, Language, Province, Role, User
from community.models.profiles import AgeBand, Child, age_band_q
from insights.models import Code, Coding, CodingRoundCoder, Excerpt
from projects.models import ProjectPage
from projects.services.export import EXPORT_TIME_ZONE


class ProfileVariable(models.TextChoices):
    """The derived profile variables one can filter on and cross a code with."""

    AGE_BAND = "age_band", _("Age of the children")
    PROVINCE = "province", _("Province")
    LANGUAGE = "language", _("Language spoken at home")


PROFILE_VARIABLE_VALUES = {
    ProfileVariable.AGE_BAND: AgeBand,
    ProfileVariable.PROVINCE: Province,
    ProfileVariable.LANGUAGE: Language,
}


@dataclass(frozen=True)
class ExcerptFilter:
    """What the analysis is narrowed to; an empty field does not narrow."""

    topic_ids: tuple[int, ...] = ()
    code_ids: tuple[int, ...] = ()
    coder_ids: tuple[int, ...] = ()
    age_band: str = ""
    province: str = ""
    language: str = ""


@dataclass
class CodeFrequency:
    code_id: int
    name: str
    colour: str
    parent_id: int | None
    excerpts: int
    parents: int


@dataclass
class CrossTable:
    variable: str
    columns: list[tuple[str, str]]  # (value, label); the last is ("", "not known")
    rows: list[tuple[CodeFrequency, list[int]]] = field(default_factory=list)


def analysis_today() -> datetime.date:
    return datetime.datetime.now(EXPORT_TIME_ZONE).date()


def excerpt_condition(
    *,
    project: ProjectPage,
    excerpt_filter: ExcerptFilter | None = None,
    today: datetime.date | None = None,
    prefix: str = "",
) -> Q:
    """The condition on excerpts (or, with prefix "excerpt__", on codings) that the analysis
    counts: the project's excerpts, without blind codings of a round still going on,
    narrowed by the filter. Profile filters are EXISTS subqueries, so no join multiplies
    rows."""
    today = today or analysis_today()
    chosen = excerpt_filter or ExcerptFilter()
    excerpt_ref = prefix.removesuffix("__") + "_id" if prefix else "pk"
    author_ref = OuterRef(f"{prefix}author_id")
    round_pending = Exists(
        CodingRoundCoder.objects.filter(
            coding_round_id=OuterRef(f"{prefix}coding_round_id"), done_at__isnull=True
        )
    )
    condition = Q(**{f"{prefix}project": project}) & ~(
        Q(**{f"{prefix}coding_round__isnull": False}) & round_pending
    )
    if chosen.topic_ids:
        condition &= Q(**{f"{prefix}topic_id__in": chosen.topic_ids})
    if chosen.coder_ids:
        condition &= Q(**{f"{prefix}coder_id__in": chosen.coder_ids})
    if chosen.code_ids:
        condition &= Exists(
            Coding.objects.filter(excerpt_id=OuterRef(excerpt_ref), code_id__in=chosen.code_ids)
        )
    if chosen.province:
        condition &= Q(**{f"{prefix}author__profile__province": chosen.province})
    if chosen.language:
        condition &= Exists(
            HomeLanguage.objects.filter(profile__user_id=author_ref, language=chosen.language)
        )
    if chosen.age_band:
        condition &= Exists(
            Child.objects.filter(
                age_band_q(AgeBand(chosen.age_band), today), profile__user_id=author_ref
            )
        )
    return condition


def analysed_excerpts(
    *,
    project: ProjectPage,
    excerpt_filter: ExcerptFilter | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Excerpt]:
    """The project's excerpts that the analysis counts, narrowed by the filter."""
    return Excerpt.objects.filter(
        excerpt_condition(project=project, excerpt_filter=excerpt_filter, today=today)
    )


def _analysed_codings(
    project: ProjectPage, excerpt_filter: ExcerptFilter | None, today: datetime.date | None
) -> QuerySet[Coding]:
    # Filtering the codings through their excerpt join (not `excerpt__in` a subquery) lets
    # the database read each coding once.
    return Coding.objects.filter(
        excerpt_condition(
            project=project, excerpt_filter=excerpt_filter, today=today, prefix="excerpt__"
        )
    )


_PARENTS = Count("excerpt__author_key", distinct=True, filter=~Q(excerpt__author_key=""))


def code_frequencies(
    *,
    project: ProjectPage,
    excerpt_filter: ExcerptFilter | None = None,
    today: datetime.date | None = None,
) -> list[CodeFrequency]:
    """Per code: the number of excerpts and of distinct parents, most parents first. One
    grouped query and one for the codes' names, whatever the number of excerpts."""
    rows = list(
        _analysed_codings(project, excerpt_filter, today)
        .values("code_id")
        # A code is applied to an excerpt at most once (coding_unique): codings = excerpts.
        .annotate(excerpts=Count("pk"), parents=_PARENTS)
        .order_by()
    )
    codes = Code.objects.in_bulk([row["code_id"] for row in rows])
    frequencies = [
        CodeFrequency(
            code_id=row["code_id"],
            name=codes[row["code_id"]].localized_name,
            colour=codes[row["code_id"]].colour,
            parent_id=codes[row["code_id"]].parent_id,
            excerpts=row["excerpts"],
            parents=row["parents"],
        )
        for row in rows
    ]
    frequencies.sort(key=lambda row: (-row.parents, -row.excerpts, row.name.lower()))
    return frequencies


def _variable_expression(variable: str, today: datetime.date):
    """The column a coding is grouped by: the author's value of the variable (through joins
    that may give one row per child or language; parents are counted distinct)."""
    if variable == ProfileVariable.PROVINCE:
        return F("excerpt__author__profile__province")
    if variable == ProfileVariable.LANGUAGE:
        return F("excerpt__author__profile__home_languages__language")
    prefix = "excerpt__author__profile__children__"
    return Case(
        *(When(age_band_q(band, today, prefix=prefix), then=Value(band.value)) for band in AgeBand),
        default=Value(""),
        output_field=CharField(),
    )


def code_cross_table(
    *,
    project: ProjectPage,
    variable: str,
    frequencies: list[CodeFrequency],
    excerpt_filter: ExcerptFilter | None = None,
    today: datetime.date | None = None,
) -> CrossTable:
    """Distinct parents per code and value of one profile variable. A parent with children
    in two age bands (or two home languages) counts in both columns; a parent with no value
    (or an erased account) counts under "not known". One grouped query."""
    today = today or analysis_today()
    choices = PROFILE_VARIABLE_VALUES[ProfileVariable(variable)]
    rows = (
        _analysed_codings(project, excerpt_filter, today)
        .annotate(value=_variable_expression(variable, today))
        .values("code_id", "value")
        .annotate(parents=_PARENTS)
        .order_by()
    )
    counts = {(row["code_id"], row["value"] or ""): row["parents"] for row in rows}
    columns = [(value, str(label)) for value, label in choices.choices]
    columns.append(("", str(_("not known"))))
    table = CrossTable(variable=variable, columns=columns)
    for frequency in frequencies:
        cells = [counts.get((frequency.code_id, value), 0) for value, _label in columns]
        table.rows.append((frequency, cells))
    return table


def coder_label(user: User | None) -> str:
    """How a coder appears in the analysis and exports: their first name, or else their
    staff role; never an e-mail address. Prefetch `groups` to avoid a query per coder."""
    if user is None:
        return str(_("former staff member"))
    if user.first_name:
        return user.first_name
    roles = [role for role in Role if role.value in {group.name for group in user.groups.all()}]
    return str(roles[0].label) if roles else str(_("staff member"))


def project_coders(*, project: ProjectPage) -> list[User]:
    """The staff who coded in this project (for the coder filter)."""
    return list(
        User.objects.filter(
            pk__in=Excerpt.objects.filter(project=project).values("coder_id")
        ).prefetch_related("groups")
    )


def project_codes(*, project: ProjectPage) -> QuerySet[Code]:
    """The codes one can filter this project's excerpts by."""
    return Code.objects.for_project(project.pk).order_by("name")


def excerpt_list(*, excerpts: QuerySet[Excerpt]) -> QuerySet[Excerpt]:
    """The excerpts as the analysis lists them, newest first, with everything a row shows."""
    return (
        excerpts.select_related("topic", "coder", "post")
        .prefetch_related(
            "coder__groups",
            Prefetch(
                "codings", queryset=Coding.objects.select_related("code").order_by("code__name")
            ),
        )
        .order_by("-created_at", "-pk")
    )
