"""Files sent with a complaint: checked by their content (a renamed executable, a damaged
image, a pixel bomb and a PDF with scripts are refused with the file's name in the message),
stored under a random name outside the web root, never half-saved, and downloaded only by the
complaints staff who may open the complaint."""

import hashlib
import io
import zlib
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.functional import empty
from PIL import Image

from complaints.models import Attachment, Complaint, ComplaintEvent, EventAction, attachment_storage
from complaints.services import attachments as attachments_service
from complaints.services.attachments import attachment_check, attachment_name_clean
from tests.complaints.conftest import COMPLAINTS_ROLES
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


# --- files as parents send them ---


def pdf_bytes(body: bytes = b"BT /F1 12 Tf (Brief van Kind en Gezin) Tj ET") -> bytes:
    """A small, well-formed PDF with one page whose content stream is `body`."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
        b"4 0 obj << /Length "
        + str(len(body)).encode()
        + b" >> stream\n"
        + body
        + b"\nendstream endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def image_bytes(
    image_format: str = "PNG", size: tuple[int, int] = (40, 30), mode: str = "RGB"
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color=0 if mode == "1" else (200, 120, 80)).save(buffer, image_format)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode."
)


@pytest.fixture
def files_root(settings, tmp_path) -> Path:
    """Attachments of this test in their own folder (the storage reads the setting anew)."""
    settings.COMPLAINTS_FILES_ROOT = tmp_path / "complaints"
    attachment_storage._wrapped = empty
    yield settings.COMPLAINTS_FILES_ROOT
    attachment_storage._wrapped = empty


def files_on_disk(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def send(client, files: list, **fields):
    from tests.complaints.test_public_form import form_data

    return client.post(reverse("complaint_form"), {**form_data(**fields), "attachments": files})


# --- the check by content ---


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("brief.pdf", pdf_bytes(), "application/pdf"),
        ("foto.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("scherm.png", image_bytes("PNG"), "image/png"),
        # The name does not matter, only the content: a PDF saved as .dat is a PDF.
        ("scan.dat", pdf_bytes(), "application/pdf"),
    ],
)
def test_pdf_jpeg_and_png_are_recognised_by_their_content(name, content, content_type):
    checked = attachment_check(upload(name, content, "application/octet-stream"))

    assert checked.kind.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.original_name == name


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("brief.pdf", EXECUTABLE, "file_type"),
        ("foto.png", b"<script>alert(1)</script>", "file_type"),
        ("leeg.pdf", b"", "empty"),
        ("kapot.png", image_bytes("PNG")[:60], "damaged"),
        ("kapot.pdf", pdf_bytes().replace(b"%%EOF", b""), "damaged"),
        (
            "script.pdf",
            pdf_bytes(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "active_content",
        ),
        ("bijlage.pdf", pdf_bytes(b"/Type /EmbeddedFile"), "active_content"),
        ("bom.png", image_bytes("PNG", (8000, 6000), mode="1"), "too_many_pixels"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_by_name(name, content, code):
    with pytest.raises(Exception) as error:
        attachment_check(upload(name, content))

    assert error.value.code == code
    assert name in error.value.messages[0]


def test_a_file_over_10_mb_is_refused():
    content = pdf_bytes() + b"0" * (10 * 1024 * 1024)

    with pytest.raises(Exception) as error:
        attachment_check(upload("groot.pdf", content))

    assert error.value.code == "too_large"


def test_a_pdf_bomb_is_stored_as_bytes_and_never_inflated(client, files_root, monkeypatch):
    # 64 MB of zeros squeezed into a few hundred KB: harmless as long as nobody inflates it.
    bomb = zlib.compress(b"\x00" * (64 * 1024 * 1024), 9)
    content = pdf_bytes(bomb)
    inflated = []
    monkeypatch.setattr(zlib, "decompress", lambda *args, **kwargs: inflated.append(1))

    response = send(client, [upload("bom.pdf", content)])

    assert response.status_code == HTTPStatus.FOUND
    attachment = Attachment.objects.get()
    assert attachment.size == len(content) < 1024 * 1024
    assert attachment_storage.open(attachment.file.name).read() == content
    assert inflated == []


def test_the_parents_file_name_is_cleaned_of_folders_and_control_characters():
    assert attachment_name_clean("C:\\Users\\Sofie\\brief\x00\x1b.pdf") == "brief.pdf"
    assert attachment_name_clean("../../etc/passwd") == "passwd"
    long_name = attachment_name_clean("a" * 300 + ".pdf")
    assert len(long_name) == 255
    assert long_name.endswith(".pdf")


# --- through the form ---


def test_files_are_stored_outside_the_web_root_under_random_names(client, files_root, settings):
    pdf, png = pdf_bytes(), image_bytes("PNG")

    response = send(
        client, [upload("Brief van Sofie Peeters.pdf", pdf), upload("foto.png", png, "image/png")]
    )

    assert response.status_code == HTTPStatus.FOUND
    complaint = Complaint.objects.get()
    stored = list(complaint.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("Brief van Sofie Peeters.pdf", "application/pdf", len(pdf)),
        ("foto.png", "image/png", len(png)),
    ]
    assert stored[0].sha256 == hashlib.sha256(pdf).hexdigest()
    on_disk = files_on_disk(files_root)
    assert len(on_disk) == 2
    assert not any("Sofie" in path.name or "foto" in path.name for path in on_disk)
    assert {path.suffix for path in on_disk} == {".pdf", ".png"}
    assert not str(files_root).startswith(str(settings.MEDIA_ROOT))
    assert not str(files_root).startswith(str(settings.STATIC_ROOT))
    assert complaint.events.filter(action=EventAction.ATTACHMENT).count() == 2


def test_a_renamed_executable_is_refused_at_the_field_and_nothing_is_saved(client, files_root):
    response = send(client, [upload("brief.pdf", pdf_bytes()), upload("factuur.pdf", EXECUTABLE)])

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["attachments"]
    assert any("factuur.pdf" in error for error in errors)
    assert "factuur.pdf" in response.content.decode()
    assert not Complaint.objects.exists()
    assert files_on_disk(files_root) == []
    # What was typed stays; the files have to be chosen again (the page says so).
    assert "data-files-again" in response.content.decode()
    assert response.context["form"]["what_happened"].value() == "De verpleegkundige was kortaf."


def test_more_than_three_files_are_refused(client, files_root):
    files = [upload(f"brief{number}.pdf", pdf_bytes()) for number in range(4)]

    response = send(client, files)

    assert response.context["form"].errors.as_data()["attachments"][0].code == "too_many"
    assert not Complaint.objects.exists()


def test_when_storing_fails_halfway_there_is_no_complaint_and_no_file(
    client, files_root, monkeypatch
):
    real_event_log = attachments_service.event_log
    calls = []

    def fail_on_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_event_log(**kwargs)

    monkeypatch.setattr(attachments_service, "event_log", fail_on_second)
    client.raise_request_exception = False

    response = send(client, [upload("een.pdf", pdf_bytes()), upload("twee.pdf", pdf_bytes())])

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert files_on_disk(files_root) == []


# --- the download for complaints staff ---


@pytest.fixture
def attachment(files_root):
    complaint = ComplaintFactory()
    checked = attachment_check(upload("Brief van de ouder.pdf", pdf_bytes()))
    written: list[str] = []
    [stored] = attachments_service.attachments_store(
        complaint=complaint, files=[checked], actor=None, written=written
    )
    return stored


ALLOWED = {"complaints_officer", "other_complaints_officer", "complaints_lead"}


@pytest.mark.parametrize("role", COMPLAINTS_ROLES)
def test_only_complaints_staff_who_may_open_the_complaint_download_its_files(
    client_for_role, attachment, role
):
    url = reverse("complaints_admin_attachment", args=[attachment.pk])

    response = client_for_role(role).get(url)

    if role in ALLOWED:
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Brief van de ouder.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == pdf_bytes()
    elif role == "safeguarding_officer":
        # A complaints role, but this complaint was not flagged to them: as if it did not exist.
        assert response.status_code == HTTPStatus.NOT_FOUND
    else:
        # Refused: the admin's login page, or its "no permission" redirect to the dashboard.
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        assert "Content-Disposition" not in response


def test_an_officer_the_complaint_is_about_cannot_download_its_files(
    client_for_role, attachment, complaints_officer
):
    Complaint.objects.filter(pk=attachment.complaint_id).update(about_user=complaints_officer)

    response = client_for_role("complaints_officer").get(
        reverse("complaints_admin_attachment", args=[attachment.pk])
    )

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_missing_file_or_attachment_is_not_found(client_for_role, attachment):
    client = client_for_role("complaints_lead")
    attachment_storage.delete(attachment.file.name)

    assert (
        client.get(reverse("complaints_admin_attachment", args=[attachment.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        client.get(reverse("complaints_admin_attachment", args=[attachment.pk + 99])).status_code
        == HTTPStatus.NOT_FOUND
    )
