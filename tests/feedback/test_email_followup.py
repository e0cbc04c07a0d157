"""The e-mail channel: the satisfaction mail N days after an e-mail answer, its one reminder,
suppression (opt-out, 7 days across channels), the crash-safe single send, the address
forgotten at each end, the opt-out page and the staff page that registers an answer."""

import datetime
import re
import smtplib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from community.mail import MailBatch
from feedback.models import (
    Invitation,
    MailSuppression,
    SurveyMailRecord,
    SurveyOptOut,
)
from feedback.services.email_followup import (
    email_answer_register,
    email_followups_send,
)
from feedback.services.surveys import invitation_for_token, response_record
from feedback.tasks.mail import feedback_mail_send
from feedback.tokens import address_hash

pytestmark = pytest.mark.django_db

ADDRESS = "ouder@example.org"
DAY = datetime.timedelta(days=1)


def registered(staff, ticket: str = "T-1", email: str = ADDRESS, ago: int = 4) -> Invitation:
    """An e-mail answer registered `ago` days ago (its mail is due after 3)."""
    invitation, _created = email_answer_register(
        ticket_id=ticket, email=email, staff=staff, occurred_at=timezone.now() - ago * DAY
    )
    return invitation


def reload(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_related("contact").get(pk=invitation.pk)


def mailed_token(message) -> str:
    return re.search(r"/f/([A-Za-z0-9_-]+)/\?score=1", message.body).group(1)


def as_if_days_passed(invitation: Invitation, days: int) -> None:
    """Move the first mail `days` into the past (and its record with it)."""
    sent_at = reload(invitation).mail_sent_at
    Invitation.objects.filter(pk=invitation.pk).update(mail_sent_at=sent_at - days * DAY)
    SurveyMailRecord.objects.filter(sent_at=sent_at).update(sent_at=sent_at - days * DAY)


# --- scheduling ---


def test_the_mail_waits_until_it_is_due(staff, mailoutbox):
    invitation = registered(staff, ago=2)

    email_followups_send()

    assert mailoutbox == []
    assert reload(invitation).mail_sent_at is None
    assert reload(invitation).contact.email == ADDRESS


def test_the_delay_setting_is_honoured(staff, settings):
    settings.FEEDBACK_EMAIL_DELAY_DAYS = 7
    now = timezone.now()

    invitation, created = email_answer_register(
        ticket_id="T-1", email=ADDRESS, staff=staff, occurred_at=now
    )

    assert created
    assert invitation.mail_due_at == now + 7 * DAY


def test_a_due_mail_asks_the_question_with_five_score_links_and_an_opt_out(staff, mailoutbox):
    invitation = registered(staff)

    run = email_followups_send()

    assert run.sent == 1
    [message] = mailoutbox
    assert message.to == [ADDRESS]
    token = mailed_token(message)
    assert invitation_for_token(token) == invitation
    for score in range(1, 6):
        assert f"/f/{token}/?score={score}" in message.body
        assert f"/en/f/{token}/?score={score}" in message.body
    with translation.override("nl"):
        opt_out_nl = reverse("feedback_email_opt_out", kwargs={"token": token})
    with translation.override("en"):
        opt_out_en = reverse("feedback_email_opt_out", kwargs={"token": token})
    assert opt_out_nl in message.body and opt_out_en in message.body
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{opt_out_nl}>")
    html = message.alternatives[0][0]
    assert re.findall(r'data-score="(\d)"', html) == ["1", "2", "3", "4", "5"] * 2
    assert html.count("data-opt-out") == 2
    assert "Hoe tevreden ben je over ons antwoord op je e-mail?" in message.body
    assert "How satisfied are you with our answer to your e-mail?" in message.body


def test_a_sent_mail_is_recorded_and_the_address_kept_for_the_reminder(staff, mailoutbox):
    invitation = registered(staff)

    email_followups_send()

    invitation = reload(invitation)
    assert invitation.mail_sent_at is not None
    assert invitation.contact.email == ADDRESS
    record = SurveyMailRecord.objects.get()
    assert record.address_hash == address_hash(ADDRESS) == invitation.address_hash
    assert ADDRESS not in record.address_hash


# --- suppression ---


def test_no_mail_to_an_address_that_opted_out(staff, mailoutbox):
    invitation = registered(staff)
    SurveyOptOut.objects.create(address_hash=address_hash("Ouder@Example.org "))

    run = email_followups_send()

    assert mailoutbox == []
    assert run.suppressed == 1
    invitation = reload(invitation)
    assert invitation.mail_suppressed == MailSuppression.OPTED_OUT
    assert invitation.contact.email == ""
    assert not SurveyMailRecord.objects.exists()


def test_no_mail_to_an_address_surveyed_in_the_last_seven_days_by_any_channel(staff, mailoutbox):
    # A survey mail of another channel, six days ago: only the address's hash is known.
    SurveyMailRecord.objects.create(
        address_hash=address_hash(ADDRESS), sent_at=timezone.now() - 6 * DAY
    )
    invitation = registered(staff)

    email_followups_send()

    assert mailoutbox == []
    invitation = reload(invitation)
    assert invitation.mail_suppressed == MailSuppression.RECENTLY_SURVEYED
    assert invitation.contact.email == ""


def test_a_survey_eight_days_ago_does_not_stop_the_mail(staff, mailoutbox):
    SurveyMailRecord.objects.create(
        address_hash=address_hash(ADDRESS), sent_at=timezone.now() - 8 * DAY
    )
    registered(staff)

    email_followups_send()

    assert len(mailoutbox) == 1


def test_two_answers_to_one_address_due_together_get_one_mail(staff, colleague, mailoutbox):
    first = registered(staff, ticket="T-1")
    second = registered(colleague, ticket="T-2", email="OUDER@example.org")

    email_followups_send()

    assert len(mailoutbox) == 1
    assert reload(first).mail_sent_at is not None
    assert reload(second).mail_suppressed == MailSuppression.RECENTLY_SURVEYED


def test_an_expired_invitation_gets_no_mail(staff, mailoutbox):
    invitation = registered(staff, ago=20)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - DAY)

    email_followups_send()

    assert mailoutbox == []
    assert reload(invitation).mail_suppressed == MailSuppression.EXPIRED
    assert reload(invitation).contact.email == ""


# --- at most once ---


def test_running_the_task_twice_sends_one_mail(staff, mailoutbox):
    registered(staff)

    feedback_mail_send.call()
    result = feedback_mail_send.enqueue()  # the test backend runs it at once

    assert result.return_value == {"sent": 0, "reminded": 0, "suppressed": 0, "forgotten": 0}
    assert len(mailoutbox) == 1


def test_a_claimed_but_unsent_invitation_is_not_sent_again(staff, mailoutbox):
    """The worker died after its claim was committed and before the message's final dot:
    the claim stands, so the next run sends nothing (at most once, never twice)."""
    invitation = registered(staff)
    Invitation.objects.filter(pk=invitation.pk).update(mail_sent_at=timezone.now())

    email_followups_send()

    assert mailoutbox == []


def test_a_worker_killed_after_the_claim_never_sends_twice(staff, mailoutbox, monkeypatch):
    invitation = registered(staff)

    def killed(self, staged):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(MailBatch, "complete", killed)
        with pytest.raises(SystemExit):
            email_followups_send()
    email_followups_send()

    assert mailoutbox == []
    assert reload(invitation).mail_sent_at is not None


def test_a_worker_killed_before_the_claim_committed_sends_on_the_next_run(
    staff, mailoutbox, monkeypatch
):
    invitation = registered(staff)

    def killed(self, message):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(MailBatch, "stage", killed)
        with pytest.raises(SystemExit):
            email_followups_send()
    assert reload(invitation).mail_sent_at is None
    assert not SurveyMailRecord.objects.exists()

    email_followups_send()
    email_followups_send()

    assert len(mailoutbox) == 1


def test_a_message_the_server_refuses_is_released_for_the_next_run(staff, mailoutbox, monkeypatch):
    invitation = registered(staff)

    def refused(self, staged):
        raise smtplib.SMTPDataError(451, b"try again later")

    with monkeypatch.context() as patch:
        patch.setattr(MailBatch, "complete", refused)
        with pytest.raises(smtplib.SMTPDataError):
            email_followups_send()
    assert reload(invitation).mail_sent_at is None
    assert not SurveyMailRecord.objects.exists()

    email_followups_send()

    assert len(mailoutbox) == 1


def test_a_refused_recipient_is_not_tried_again(staff, mailoutbox, monkeypatch):
    invitation = registered(staff)

    def refused(self, message):
        raise smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"no such user")})

    with monkeypatch.context() as patch:
        patch.setattr(MailBatch, "stage", refused)
        email_followups_send()
    email_followups_send()

    assert mailoutbox == []
    invitation = reload(invitation)
    assert invitation.mail_suppressed == MailSuppression.REFUSED
    assert invitation.contact.email == ""


# --- the reminder ---


def test_one_reminder_four_days_later_then_the_address_is_forgotten(staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    first_token = mailed_token(mailoutbox[0])
    as_if_days_passed(invitation, 4)

    run = email_followups_send()
    email_followups_send()

    assert run.reminded == 1
    assert len(mailoutbox) == 2
    reminder = mailoutbox[1]
    assert reminder.to == [ADDRESS]
    token = mailed_token(reminder)
    assert invitation_for_token(token) == invitation
    assert invitation_for_token(first_token) is None  # the reminder's links replace them
    invitation = reload(invitation)
    assert invitation.reminder_sent_at is not None
    assert invitation.contact.email == ""
    assert SurveyMailRecord.objects.count() == 2


def test_no_reminder_before_four_days(staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    as_if_days_passed(invitation, 3)

    email_followups_send()

    assert len(mailoutbox) == 1
    assert reload(invitation).contact.email == ADDRESS


def test_no_reminder_to_a_parent_who_answered_and_the_address_is_forgotten(staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    response_record(contact=invitation.contact, score=5)

    email_followups_send()  # the next run forgets the address at once
    assert reload(invitation).contact.email == ""
    as_if_days_passed(invitation, 4)
    email_followups_send()

    assert len(mailoutbox) == 1
    assert reload(invitation).reminder_sent_at is None


def test_no_reminder_once_the_invitation_expired_and_the_address_is_forgotten(staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    as_if_days_passed(invitation, 4)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    email_followups_send()

    assert len(mailoutbox) == 1
    assert reload(invitation).contact.email == ""


def test_no_reminder_after_an_opt_out_from_another_mail(staff, mailoutbox):
    invitation = registered(staff)
    email_followups_send()
    SurveyOptOut.objects.create(address_hash=address_hash(ADDRESS))
    as_if_days_passed(invitation, 4)

    email_followups_send()

    assert len(mailoutbox) == 1
    assert reload(invitation).contact.email == ""


def test_the_command_sends_what_is_due(staff, mailoutbox, capsys):
    registered(staff)

    call_command("feedback_mail_send")
    call_command("feedback_mail_send", "--enqueue")

    assert len(mailoutbox) == 1
    assert "1 sent" in capsys.readouterr().out
