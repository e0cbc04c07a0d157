"""Races: the same complaint form sent twenty times at once makes one complaint, with one set of
files on disk, and every request gets the first one's receipt (PostgreSQL).

Marked `races`: `make test` runs them after the others, with the browser tests, because a
transactional test empties the database after it."""

from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from complaints.models import Attachment, Complaint
from tests.complaints.test_attachments import files_on_disk, files_root, pdf_bytes, upload  # noqa: F401
from tests.complaints.test_public_form import STATUS_LINK, form_data
from tests.races import RACE_MARKS, at_once

pytestmark = RACE_MARKS


def test_twenty_identical_complaints_at_once_make_one_with_one_receipt(files_root):  # noqa: F811
    data = form_data()
    pdf = pdf_bytes()

    results = at_once(
        20,
        lambda client: (
            client,
            client.post(
                reverse("complaint_form"), {**data, "attachments": [upload("brief.pdf", pdf)]}
            ),
        ),
        prepare=lambda index: Client(raise_request_exception=False),
    )

    complaint = Complaint.objects.get()
    assert {response.status_code for _client, response in results} == {HTTPStatus.FOUND}
    assert {response["Location"] for _client, response in results} == {reverse("complaint_receipt")}
    receipts = [client.get(reverse("complaint_receipt")).content.decode() for client, _ in results]
    assert all(complaint.reference in receipt for receipt in receipts)
    tokens = {STATUS_LINK.search(receipt).group(2) for receipt in receipts}
    assert len(tokens) == 1
    assert Attachment.objects.count() == 1
    assert len(files_on_disk(files_root)) == 1
