"""Races: the same complaint form sent twenty times at once makes one complaint, with one set of
files on disk, and every request gets the first one's receipt (PostgreSQL).

Marked `races`: `make test` runs them after the others, with the browser tests, because a
transactional test empties the database after it."""

import threading
from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from complaints.models import Attachment, Complaint
from tests.complaints.test_attachments import files_on_disk, files_root, pdf_bytes, upload  # noqa: F401
from tests.complaints.test_public_form import STATUS_LINK, form_data

pytestmark = [
    pytest.mark.races,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="races are tested on PostgreSQL; SQLite runs one writer at a time",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def at_once(
    count: int, send: Callable[[Client], HttpResponse]
) -> list[tuple[Client, HttpResponse]]:
    """`count` requests from `count` browsers, each with its own database connection, let go
    at the same moment."""
    start = threading.Barrier(count)
    results: list = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            client = Client(raise_request_exception=False)
            start.wait(timeout=60)
            results[index] = (client, send(client))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return results


def test_twenty_identical_complaints_at_once_make_one_with_one_receipt(files_root):  # noqa: F811
    data = form_data()
    pdf = pdf_bytes()

    results = at_once(
        20,
        lambda client: client.post(
            reverse("complaint_form"), {**data, "attachments": [upload("brief.pdf", pdf)]}
        ),
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
