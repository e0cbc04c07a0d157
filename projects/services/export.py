"""Export of a project's posts for analysis, as CSV or XLSX.

Rows carry the author's pseudonymous research id and the profile variables derived on the
day of export (age bands, province, languages): never an e-mail address or a pseudonym.
Only published posts that their author did not remove are exported: pending posts may hold
personal data a moderator has not yet checked, and hidden ones were taken down.
Spreadsheet programs run cells that start with = + - @ as formulas, so such text is prefixed
with a quote (CSV/formula injection).
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.db.models import Count
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from projects.models import Post, PostStatus, ProjectPage
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


def cell_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula, with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_posts(project: ProjectPage) -> list[Post]:
    """The exported posts with everything a row needs, in three queries whatever their number."""
    return list(
        Post.objects.filter(project=project, status=PostStatus.PUBLISHED, removed_at__isnull=True)
        .select_related("author__profile", "topic")
        .prefetch_related("author__profile__children", "author__profile__home_languages")
        .annotate(reaction_count=Count("reactions"))
        .order_by("created_at", "pk")
    )


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
            post.topic.title,
            post.created_at.astimezone(EXPORT_TIME_ZONE).isoformat(timespec="seconds"),
            post_plain_text(post.body),
            post.reaction_count,
            ";".join(profile.age_bands(today)) if profile else "",
            profile.province if profile else "",
            ";".join(profile.languages) if profile else "",
        ]
    ]


def export_rows(*, project: ProjectPage) -> Iterator[list[object]]:
    """The header, then one row per exported post."""
    today = datetime.datetime.now(EXPORT_TIME_ZONE).date()
    yield EXPORT_COLUMNS
    for post in export_posts(project):
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


def export_xlsx(rows: Iterable[list[object]]) -> bytes:
    """An XLSX workbook with one sheet of posts."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("posts")
    for row in rows:
        # Control characters are not allowed in XLSX cells.
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
