"""Export of a project's coded data as CSV and XLSX, and the rows and profile values the
REFI-QDA project export (insights.services.qdpx) shares.

The tables have **one row per excerpt**, its codes joined with "; " in one cell, so a row
count is an excerpt count and nothing is counted twice; the codes' own table is the
codebook export. Rows carry the author's pseudonymous research id at coding time
(`Excerpt.author_key`) and the profile variables derived today (age bands, province,
languages): never an e-mail address or a pseudonym. Coders appear by first name or staff
role. Spreadsheet formulas are defused with projects.services.export.cell_safe.
"""

import datetime
import io
from collections.abc import Iterator

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from insights.models import Coding, Excerpt
from insights.services.analysis import analysed_excerpts, analysis_today, coder_label
from projects.models import ProjectPage
from projects.services.export import EXPORT_TIME_ZONE, cell_safe

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


def coded_excerpts(*, project: ProjectPage) -> list[Excerpt]:
    """The excerpts the analysis counts, with all an export row needs, in a fixed number of
    queries whatever their number."""
    return list(
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
    for excerpt in coded_excerpts(project=project):
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


def coded_xlsx(rows: Iterator[list[object]]) -> bytes:
    """An XLSX workbook with one sheet of excerpts."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("excerpts")
    for row in rows:
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
