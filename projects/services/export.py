"""Export of a project's posts for analysis, as CSV or XLSX.

Rows carry the author's pseudonymous research id and the profile variables derived on the
day of export (age bands, province, languages): never an e-mail address or a pseudonym.
Only published posts that their author did not remove are exported: pending posts may hold
personal data a moderator has not yet checked, and hidden ones were taken down.
Spreadsheet programs run cells that start with = + - @ as formulas, so such text is prefixed
with a quote (CSV/formula injection).
Rows are read from the database in chunks and written as they come, so memory stays flat
however many posts a project has; the export runs as a background job (insights' ExportJob).
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from projects.models import Post, PostStatus, ProjectPage, Reaction
from projects.post_text import post_plain_text

EXPORT_TIME_ZONE = ZoneInfo("Europe/Brussels")
EXPORT_COLUMNS = [
    "post_id",
    "reply_to",
    "author_id",
    "author_role",
    "topic",
    "posted_at",
    "text",
    "reactions",
    "age_bands",
    "province",
    "languages",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Rows read from the database at a time (and how often an export job reports progress).
EXPORT_CHUNK_SIZE = 2000
EXPORT_POST_FIELDS = (
    "parent",
    "author",
    "author_role",
    "created_at",
    "body",
    "author__research_id",
    "author__profile__user",
    "author__profile__province",
)


def cell_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula, with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_posts(project: ProjectPage) -> QuerySet[Post]:
    """The exported posts with everything a row needs, oldest first. Read it with
    `.iterator(chunk_size=EXPORT_CHUNK_SIZE)`: three queries per chunk whatever its size,
    and never more than one chunk in memory."""
    reactions = (
        Reaction.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        _exported(project)
        .select_related("author__profile")
        # Only the columns a row shows (and the keys that join them): a chunk of posts with
        # whole users and whole topic pages would be several times the size.
        .only(*EXPORT_POST_FIELDS)
        .prefetch_related("author__profile__children", "author__profile__home_languages")
        .annotate(
            topic_title=F("topic__title"),
            # A subquery, not a join with GROUP BY: the database can hand out the first rows
            # before it has counted every post's reactions.
            reaction_count=Coalesce(Subquery(reactions), 0),
        )
        .order_by("created_at", "pk")
    )


def _exported(project: ProjectPage) -> QuerySet[Post]:
    return Post.objects.filter(
        project=project, status=PostStatus.PUBLISHED, removed_at__isnull=True
    )


def export_post_count(*, project: ProjectPage) -> int:
    """How many rows (besides the header) `export_rows` will write, in one query."""
    return _exported(project).count()


def export_row(post: Post, today: datetime.date) -> list[object]:
    author = post.author
    profile = getattr(author, "profile", None) if author is not None else None
    return [
        cell_safe(value)
        for value in [
            post.pk,
            post.parent_id or "",
            author.research_id if author is not None else "",
            post.author_role,
            post.topic_title,
            post.created_at.astimezone(EXPORT_TIME_ZONE).isoformat(timespec="seconds"),
            post_plain_text(post.body),
            post.reaction_count,
            ";".join(profile.age_bands(today)) if profile else "",
            profile.province if profile else "",
            ";".join(profile.languages) if profile else "",
        ]
    ]


def export_rows(*, project: ProjectPage) -> Iterator[list[object]]:
    """The header, then one row per exported post, read from the database chunk by chunk."""
    today = datetime.datetime.now(EXPORT_TIME_ZONE).date()
    yield EXPORT_COLUMNS
    for post in export_posts(project).iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield export_row(post, today)


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv_lines(rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV text line by line (for streaming), starting with a byte order mark so that
    spreadsheet programs read the accents right."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def export_csv_write(rows: Iterable[list[object]], file: IO[str]) -> None:
    """Write the rows to an open text file as CSV, one line at a time (constant memory),
    starting with a byte order mark so that spreadsheet programs read the accents right.
    Open the file with newline="" as the csv module asks."""
    file.write("\ufeff")
    writer = csv.writer(file)
    for row in rows:
        writer.writerow(row)


def xlsx_cells(row: list[object]) -> list[object]:
    """Control characters are not allowed in XLSX cells: they are left out."""
    return [ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row]


def export_xlsx_write(rows: Iterable[list[object]], path: Path, *, sheet: str = "posts") -> None:
    """Write the rows to an XLSX workbook of one sheet at `path`. openpyxl's write-only mode
    streams each row to a temporary file and writes strings inline, so memory stays the
    same however many rows there are."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    try:
        for row in rows:
            worksheet.append(xlsx_cells(row))
    except BaseException:
        # Close the sheet's stream and delete its temporary file now: a long-running worker
        # would otherwise keep both until it exits.
        worksheet.close()
        worksheet._writer.cleanup()
        raise
    workbook.save(path)
