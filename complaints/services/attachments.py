"""Files sent with a complaint: PDF, JPEG or PNG up to 10 MB each, at most three.

The type is read from the content (its first bytes, and for an image Pillow's check), never
from the file's name or the browser's word: a renamed executable is refused. A file is stored
on `attachment_storage` (outside the web root) under a random name; the parent's file name is
kept only in the database, for the download. The server never decompresses or renders a PDF,
so a PDF bomb is just bytes here; an image's size in pixels is read from its header and
refused when it is larger than any photo (a decompression bomb).
"""

import hashlib
import re
import secrets
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from community.models import User
from complaints.models import Attachment, Complaint, EventAction, attachment_storage
from complaints.services.register import event_log

ATTACHMENTS_MAX = 3
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# 40 megapixels: more than any phone camera makes; a larger image is refused unopened.
IMAGE_MAX_PIXELS = 40_000_000
# Where a PDF may start (readers accept a little junk before the header) and end.
PDF_HEADER_WITHIN = 1024
PDF_TRAILER_WITHIN = 2048
# Content that makes a reader run or open something: never in a letter or a scan.
PDF_ACTIVE_CONTENT = (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
CHUNK_BYTES = 64 * 1024
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str
    pillow_format: str = ""


PDF = FileKind("application/pdf", "pdf", "PDF")
JPEG = FileKind("image/jpeg", "jpg", "JPEG", "JPEG")
PNG = FileKind("image/png", "png", "PNG", "PNG")
FILE_KINDS = (PDF, JPEG, PNG)


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed `attachment_check`, with what the check found."""

    file: File
    original_name: str
    kind: FileKind
    size: int
    sha256: str


def _kind_from_content(head: bytes) -> FileKind | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if b"%PDF-" in head[:PDF_HEADER_WITHIN]:
        return PDF
    return None


def _digest_and_scan(file: File) -> tuple[str, bool]:
    """The file's SHA-256, and whether it holds active PDF content (read once, in chunks)."""
    digest = hashlib.sha256()
    active = False
    overlap = max(len(marker) for marker in PDF_ACTIVE_CONTENT)
    tail = b""
    for chunk in file.chunks(CHUNK_BYTES):
        digest.update(chunk)
        window = tail + chunk
        active = active or any(marker in window for marker in PDF_ACTIVE_CONTENT)
        tail = window[-overlap:]
    return digest.hexdigest(), active


def _pdf_check(file: File, active: bool) -> None:
    file.seek(max(0, file.size - PDF_TRAILER_WITHIN))
    if b"%%EOF" not in file.read(PDF_TRAILER_WITHIN):
        raise ValidationError(
            _("%(name)s is not a complete PDF file. Save it again as PDF, or send a photo."),
            code="damaged",
        )
    if active:
        raise ValidationError(
            _(
                "%(name)s contains scripts or embedded files, which we do not accept. "
                "Save or print it again as a plain PDF, or send a photo."
            ),
            code="active_content",
        )


def _image_check(file: File, kind: FileKind) -> None:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[kind.pillow_format]) as image:
                if image.width * image.height > IMAGE_MAX_PIXELS:
                    raise Image.DecompressionBombError
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("%(name)s has too many pixels. Send a smaller photo."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            _("%(name)s is damaged or not a real photo. Try another file."), code="damaged"
        ) from None


def attachment_name_clean(name: str) -> str:
    """The file name as the parent's device gave it, without folders or control characters,
    shortened to fit the model (its extension kept)."""
    name = CONTROL_CHARACTERS.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: 254 - len(extension)]}.{extension}"
        else:
            name = name[:255]
    return name or "bestand"


def attachment_check(file: File) -> CheckedFile:
    """What the file really is, or a ValidationError with a message for the parent
    (`%(name)s` stands for the file's name): not empty, at most 10 MB, and by its content a
    PDF, JPEG or PNG: an image that Pillow can read and check, a PDF with its end marker and
    without scripts, launch actions or embedded files."""
    name = attachment_name_clean(getattr(file, "name", "") or "")
    params = {"name": name}
    try:
        size = file.size
        if not size:
            raise ValidationError(_("%(name)s is empty."), code="empty")
        if size > ATTACHMENT_MAX_BYTES:
            raise ValidationError(
                _("%(name)s is larger than 10 MB. Send a smaller file or a photo."),
                code="too_large",
            )
        file.seek(0)
        kind = _kind_from_content(file.read(PDF_HEADER_WITHIN))
        if kind is None:
            raise ValidationError(
                _("%(name)s is not a PDF, JPEG or PNG file. Only these types can be sent."),
                code="file_type",
            )
        sha256, active = _digest_and_scan(file)
        if kind is PDF:
            _pdf_check(file, active)
        else:
            _image_check(file, kind)
    except ValidationError as error:
        error.params = params
        raise
    finally:
        file.seek(0)
    return CheckedFile(file=file, original_name=name, kind=kind, size=size, sha256=sha256)


def attachments_store(
    *, complaint: Complaint, files: Sequence[CheckedFile], actor: User | None, written: list[str]
) -> list[Attachment]:
    """Store checked files with the complaint, each under a random name, with one audit line
    each. Call it inside the complaint's transaction; the name of every file written to disk is
    appended to `written`, so the caller removes them when the transaction fails
    (`attachment_files_discard`)."""
    if len(files) > ATTACHMENTS_MAX:
        raise ValidationError(
            {"attachments": _("Send at most 3 files.")}, code="too_many_attachments"
        )
    stored = []
    for checked in files:
        attachment = Attachment(
            complaint=complaint,
            original_name=checked.original_name,
            content_type=checked.kind.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        checked.file.seek(0)
        attachment.file.save(
            f"{secrets.token_hex(16)}.{checked.kind.extension}", checked.file, save=False
        )
        written.append(attachment.file.name)
        attachment.full_clean()
        attachment.save()
        event_log(
            complaint=complaint,
            action=EventAction.ATTACHMENT,
            actor=actor,
            detail=f"{checked.kind.label}, {filesizeformat(checked.size)}",
        )
        stored.append(attachment)
    return stored


def attachment_files_discard(names: Sequence[str]) -> None:
    """Remove files written for a complaint whose transaction failed: no stray files."""
    for name in names:
        attachment_storage.delete(name)
