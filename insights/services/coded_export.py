"""Export of a project's coded data as CSV and XLSX, and the rows and profile values the
REFI-QDA project export (insights.services.qdpx) shares.

The tables have **one row per excerpt**, its codes joined with "; " in one cell, so a row
count is an excerpt count and nothing is counted twice; the codes' own table is the
codebook export. Rows carry the author's pseudonymous research id at coding time
(`Excerpt.author_key`) and the profile variables derived today (age bands, province,
languages): never an e-mail address or a pseudonym. Coders appear by first name or staff
role. Spreadsheet formulas are defused with projects.services.export.cell_safe. The CSV and
XLSX files are written by an export job (insights.services.exports) with the writers of
projects.services.export, reading the excerpts in chunks.
"""

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from insights.models import Coding, Excerpt
from insights.services.analysis import analysed_excerpts, analysis_today, coder_label
from projects.models import ProjectPage
from projects.services.export import EXPORT_CHUNK_SIZE, EXPORT_TIME_ZONE, cell_safe

CODED_COLUMNS = [
    "excerpt_id",
    "post_id",
    "topic",
    "quote",
    "codes",
    "coder",
    "coded_at",
    "memo",
    "author_id",
    "age_bands",
    "province",
    "languages",
]
CODE_SEPARATOR = "; "
PROFILE_VARIABLES = ("age_bands", "province", "languages")


def coded_excerpt_queryset(*, project: ProjectPage) -> QuerySet[Excerpt]:
    """The excerpts the analysis counts, with all an export row needs. Read with
    `.iterator(chunk_size=EXPORT_CHUNK_SIZE)` it costs a fixed number of queries per chunk
    and holds one chunk in memory."""
    return (
        analysed_excerpts(project=project)
        .select_related("topic", "coder", "post", "author__profile")
        .prefetch_related(
            "coder__groups",
            Prefetch(
                "codings",
                queryset=Coding.objects.select_related("code", "coder")
                .prefetch_related("coder__groups")
                .order_by("code__name"),
            ),
            "author__profile__children",
            "author__profile__home_languages",
        )
        .order_by("post_id", "start", "pk")
    )


def coded_excerpts(*, project: ProjectPage) -> list[Excerpt]:
    """All of them at once, for the REFI-QDA project (insights.services.qdpx), which needs
    them together to build its cases."""
    return list(coded_excerpt_queryset(project=project))


def coded_excerpt_count(*, project: ProjectPage) -> int:
    """How many rows (besides the header) `coded_rows` will write, in one query."""
    return analysed_excerpts(project=project).count()


def profile_values(excerpt: Excerpt, today: datetime.date) -> dict[str, str]:
    """The author's profile variables on `today`; blank for staff or an author without one."""
    author = excerpt.author
    profile = getattr(author, "profile", None) if author is not None else None
    if profile is None or not excerpt.author_key:
        return dict.fromkeys(PROFILE_VARIABLES, "")
    return {
        "age_bands": ";".join(profile.age_bands(today)),
        "province": profile.province,
        "languages": ";".join(profile.languages),
    }


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(EXPORT_TIME_ZONE).isoformat(timespec="seconds")


def coded_rows(*, project: ProjectPage) -> Iterator[list[object]]:
    """The header, then one row per excerpt (its codes joined), formula-safe."""
    today = analysis_today()
    yield CODED_COLUMNS
    for excerpt in coded_excerpt_queryset(project=project).iterator(chunk_size=EXPORT_CHUNK_SIZE):
        profile = profile_values(excerpt, today)
        values = [
            excerpt.pk,
            excerpt.post_id or "",
            excerpt.topic.title,
            excerpt.quote,
            CODE_SEPARATOR.join(coding.code.name for coding in excerpt.codings.all()),
            coder_label(excerpt.coder),
            _timestamp(excerpt.created_at),
            excerpt.memo,
            excerpt.author_key,
            profile["age_bands"],
            profile["province"],
            profile["languages"],
        ]
        yield [cell_safe(value) for value in values]
