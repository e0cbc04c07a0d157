"""Feedback comments coded with the shared codebook, and cited as evidence for actions.

Only global codes (insights.Code with no project) apply to feedback: a project's codes
belong to what parents wrote in that project.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from community.models import User
from feedback.models import ActionFeedbackEvidence, Response, ResponseCoding
from insights.models import Action, Code


def feedback_codes() -> list[Code]:
    """The codes a feedback comment can get: the active global codes."""
    return list(Code.objects.active().filter(project__isnull=True).order_by("name", "pk"))


@transaction.atomic
def response_codes_set(*, user: User, response: Response, codes: Iterable[Code]) -> list[int]:
    """Give the comment exactly these codes: new ones are added (once each, the unique
    constraint), unticked ones taken off. Sending the same choice twice changes nothing.
    Returns the ids of the codes it now has."""
    codes = list(codes)
    if not response.comment:
        raise ValidationError(gettext("Only a comment can be coded."), code="no_comment")
    for code in codes:
        if not code.is_global or code.is_archived:
            raise ValidationError(
                gettext("Feedback gets active global codes only."), code="code_not_global"
            )
    wanted = {code.pk for code in codes}
    ResponseCoding.objects.filter(response=response).exclude(code_id__in=wanted).delete()
    ResponseCoding.objects.bulk_create(
        [ResponseCoding(response=response, code_id=pk, coder=user) for pk in sorted(wanted)],
        ignore_conflicts=True,
    )
    return sorted(wanted)


@transaction.atomic
def action_feedback_evidence_add(
    *, user: User, action: Action, response: Response
) -> tuple[ActionFeedbackEvidence, bool]:
    """Cite a feedback comment as evidence for an action, once: citing it again gives back
    the first link (created is False)."""
    if not response.comment:
        raise ValidationError(gettext("Only a comment can be cited."), code="no_comment")
    return ActionFeedbackEvidence.objects.get_or_create(
        action=action, response=response, defaults={"added_by": user}
    )
