"""A parent's complaints in their data download, and account erasure: the account is unlinked,
the complaint stays (a legal record with its own retention)."""

import io
import json
import zipfile

import pytest

from community.personal_data import EXCLUDED, SOURCES
from community.services.accounts import account_delete
from community.services.personal_data import personal_data_export
from complaints.models import Complaint, EventAction, Stage
from tests.community.factories import UserFactory
from tests.complaints.report_cases import brussels, complaint_made

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory(email="lid@example.org", pseudonym="Zonnebloem")


def test_complaints_register_their_models():
    assert SOURCES["complaints"].models == ("complaints.Complaint",)
    assert SOURCES["complaints"].erase is not None
    for label in ("ComplaintEvent", "ComplaintLetter", "ConciliationEntry"):
        assert f"complaints.{label}" in EXCLUDED


def test_the_download_holds_the_members_complaints_and_nobody_elses(member, other_parent):
    mine = complaint_made(
        brussels(2026, 3, 2),
        stage=Stage.ACKNOWLEDGED,
        user=member,
        what_happened="De wachtzaal was vol & niemand zei iets <script>.",
        desired_solution="Een uitleg.",
    )
    complaint_made(brussels(2026, 3, 3), user=other_parent, what_happened="Iets anders.")
    complaint_made(brussels(2026, 3, 4), what_happened="Zonder account.")

    with zipfile.ZipFile(io.BytesIO(personal_data_export(user=member))) as files:
        data = json.loads(files.read("data.json"))
        page = files.read("index.html").decode()

    rows = data["complaints"]
    assert [row["reference"] for row in rows] == [mine.reference]
    assert rows[0]["what_happened"] == "De wachtzaal was vol & niemand zei iets <script>."
    assert rows[0]["desired_solution"] == "Een uitleg."
    assert rows[0]["stage"]["code"] == Stage.ACKNOWLEDGED
    assert rows[0]["received_at"].startswith("2026-03-02T12:00:00")
    assert rows[0]["acknowledged_at"]
    assert "Iets anders." not in json.dumps(data)
    assert mine.reference in page
    assert "&lt;script&gt;" in page


def test_erasing_the_account_unlinks_its_complaints_and_keeps_them(member):
    complaint = complaint_made(brussels(2026, 3, 2), user=member, name="An Peeters")

    account_delete(user=member, remove_contributions=True)

    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.user is None
    assert complaint.name == "An Peeters"
    assert complaint.what_happened
    assert complaint.events.filter(action=EventAction.DETAILS).count() == 1


def test_a_staff_members_account_is_unlinked_by_the_database(complaints_officer):
    complaint = complaint_made(brussels(2026, 3, 2), handler=complaints_officer)

    complaints_officer.delete()

    complaint.refresh_from_db()
    assert complaint.handler is None
