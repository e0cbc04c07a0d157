"""Consent to the research terms and the privacy notice: accepting, withdrawing, new versions.

Records are append-only (`ConsentRecord`); a member's state for a document is read from their
latest record for it. Staff take no part as parents and need no consent.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community.models import (
    ConsentDocument,
    ConsentKind,
    ConsentRecord,
    NotificationKind,
    User,
)
from community.models.consent import ConsentAction
from community.request_state import request_state_changed_for_everyone
from community.services.notifications import notifications_create
from community.services.pseudonyms import member_pseudonym_set

# Set on the user object for the rest of the request: the onboarding gate, the page and
# later features ask the same question, and the answer costs a query.
_STATES_CACHE = "_consent_states_cache"


class ConsentState(models.TextChoices):
    """Where a member stands with one live document."""

    ACCEPTED = "accepted", _("Accepted")
    OUTDATED = "outdated", _("A new version is waiting for you")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NEVER = "never", _("Not accepted yet")


def _state(version: int, latest_action: str | None, latest_version: int | None) -> ConsentState:
    if latest_action is None:
        return ConsentState.NEVER
    if latest_action == ConsentAction.WITHDRAWN:
        return ConsentState.WITHDRAWN
    if latest_version == version:
        return ConsentState.ACCEPTED
    return ConsentState.OUTDATED


def _latest_record_annotations(user_id: int) -> dict[str, Subquery]:
    latest = ConsentRecord.objects.filter(user_id=user_id, document=OuterRef("pk")).latest_first()
    return {
        "latest_action": Subquery(latest.values("action")[:1]),
        "latest_version": Subquery(latest.values("version")[:1]),
        "latest_at": Subquery(latest.values("created_at")[:1]),
    }


def _live_documents_with_latest_record(user: User) -> list[ConsentDocument]:
    """Research terms first, then the privacy notice: the order of `ConsentKind`."""
    documents = ConsentDocument.objects.filter(live=True).annotate(
        **_latest_record_annotations(user.pk)
    )
    order = {kind: position for position, kind in enumerate(ConsentKind.values)}
    return sorted(documents, key=lambda document: order.get(document.kind, len(order)))


def _states_by_kind(user: User) -> dict[str, ConsentState]:
    """Each live document's state for this member, in one query, remembered for the request."""
    states = getattr(user, _STATES_CACHE, None)
    if states is None:
        rows = (
            ConsentDocument.objects.filter(live=True)
            .annotate(**_latest_record_annotations(user.pk))
            .values_list("kind", "version", "latest_action", "latest_version")
        )
        states = {kind: _state(version, action, seen) for kind, version, action, seen in rows}
        setattr(user, _STATES_CACHE, states)
    return states


def _states_forget(user: User) -> None:
    if hasattr(user, _STATES_CACHE):
        delattr(user, _STATES_CACHE)
    if hasattr(user, "has_current_consent"):
        del user.has_current_consent


def _consent_current(user: User) -> bool:
    """Every live document accepted at its current version. The request's user carries the
    answer (community.auth_backends); anyone else costs one query."""
    if hasattr(user, "has_current_consent"):
        return user.has_current_consent
    return all(state == ConsentState.ACCEPTED for state in _states_by_kind(user).values())


def consent_status(*, user: User) -> dict[ConsentDocument, ConsentState]:
    """Each live document with this member's state; documents carry `latest_at`, the time of
    their latest record."""
    return {
        document: _state(document.version, document.latest_action, document.latest_version)
        for document in _live_documents_with_latest_record(user)
    }


def consent_documents_to_accept(*, user: User) -> list[ConsentDocument]:
    """Live documents the member has not accepted at their current version, each with
    `state` (outdated, withdrawn or never)."""
    documents = []
    for document, state in consent_status(user=user).items():
        if state != ConsentState.ACCEPTED:
            document.state = state
            documents.append(document)
    return documents


def research_consent_withdrawn(user: User) -> bool:
    """True when the member's latest word on the research terms is a withdrawal."""
    return _states_by_kind(user).get(ConsentKind.RESEARCH_TERMS) == ConsentState.WITHDRAWN


def member_needs_onboarding(user: User) -> bool:
    """True when a signed-in parent must choose a pseudonym or accept a document first.

    Members who withdrew their research consent are left alone: they chose to stop, and may
    still read the site. Staff take no part as parents.
    """
    if not user.is_authenticated:
        return False
    if user.pseudonym and _consent_current(user):
        return False
    if user.pseudonym and research_consent_withdrawn(user):
        return False
    return not user.is_staff_member


def member_can_take_part(user: User) -> bool:
    """True when this user may write, react and join projects as a parent: the same rule as
    `User.objects.members()`, answered for one user."""
    if not user.is_authenticated or not user.is_active or not user.pseudonym:
        return False
    if not _consent_current(user):
        return False
    return not user.is_staff_member


@transaction.atomic
def consent_accept(*, user: User, documents: Iterable[ConsentDocument]) -> list[ConsentRecord]:
    """Record that the member accepts the current version of each document.

    Only live documents can be accepted; a document already accepted at its current version
    gets no second record.
    """
    wanted = {document.pk for document in documents}
    current = {
        document.pk: document
        for document in ConsentDocument.objects.filter(pk__in=wanted, live=True).annotate(
            **_latest_record_annotations(user.pk)
        )
    }
    if set(current) != wanted:
        raise ValidationError(_("This text is no longer in use. Reload the page."))
    records = [
        ConsentRecord.objects.create(
            user=user,
            document=document,
            version=document.version,
            revision_id=document.live_revision_id,
            action=ConsentAction.ACCEPTED,
        )
        for document in current.values()
        if _state(document.version, document.latest_action, document.latest_version)
        != ConsentState.ACCEPTED
    ]
    _states_forget(user)
    return records


@transaction.atomic
def consent_withdraw(*, user: User) -> ConsentRecord:
    """Withdraw the member's research consent; participation stops at once.

    Only the research terms can be withdrawn (the privacy notice is information, not a
    choice). What the member wrote before stays in the research data under their pseudonym.
    """
    document = (
        ConsentDocument.objects.filter(live=True, kind=ConsentKind.RESEARCH_TERMS)
        .annotate(**_latest_record_annotations(user.pk))
        .first()
    )
    if document is None or document.latest_action != ConsentAction.ACCEPTED:
        raise ValidationError(
            _("You are not taking part in the research, so there is nothing to withdraw.")
        )
    record = ConsentRecord.objects.create(
        user=user,
        document=document,
        version=document.version,
        revision_id=document.live_revision_id,
        action=ConsentAction.WITHDRAWN,
    )
    _states_forget(user)
    return record


def member_onboarding_complete(
    *, user: User, pseudonym: str | None, documents: Iterable[ConsentDocument]
) -> None:
    """Set the member's pseudonym (when they have none yet) and record their acceptances,
    together or not at all."""
    previous = user.pseudonym
    try:
        with transaction.atomic():
            if pseudonym is not None:
                member_pseudonym_set(user=user, pseudonym=pseudonym)
            consent_accept(user=user, documents=documents)
    except ValidationError:
        user.pseudonym = previous
        raise


@transaction.atomic
def consent_document_published(*, document: ConsentDocument) -> int:
    """Count a publication as a new version, and tell members who accepted an earlier one.

    Returns the new version. Those members are asked to accept it at their next visit (the
    onboarding gate); the notification tells them why.
    """
    ConsentDocument.objects.filter(pk=document.pk).update(version=F("version") + 1)
    request_state_changed_for_everyone()  # whose consent is current: the update sends no signal
    document.refresh_from_db(fields=["version"])
    latest = ConsentRecord.objects.filter(user=OuterRef("pk"), document=document).latest_first()
    recipients = (
        User.objects.filter(is_active=True)
        .annotate(
            latest_action=Subquery(latest.values("action")[:1]),
            latest_version=Subquery(latest.values("version")[:1]),
        )
        .filter(latest_action=ConsentAction.ACCEPTED, latest_version__lt=document.version)
    )
    with translation.override("nl"):
        url = reverse("consent_document", kwargs={"kind": document.kind})
    notifications_create(
        recipients=recipients,
        kind=NotificationKind.CONSENT_UPDATE,
        title={"nl": document.title, "en": document.title_en or document.title},
        url=url,
    )
    return document.version
