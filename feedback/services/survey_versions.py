"""Administrators change a channel's survey questions by adding its next version: a version
that parents answered keeps its wording, and each response points at the one it answered."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from community.models import User
from feedback.models import SurveyVersion
from feedback.services.surveys import survey_version_current, survey_version_forget

# The wording of a version, Dutch and English side by side.
SURVEY_TEXT_FIELDS = (
    "satisfaction_question",
    "satisfaction_question_en",
    "answered_question",
    "answered_question_en",
    "improvement_question",
    "improvement_question_en",
    "contact_question",
    "contact_question_en",
)


def _same_wording(version: SurveyVersion, texts: dict[str, str]) -> bool:
    return all(getattr(version, name) == value for name, value in texts.items())


def _answered_question_check(texts: dict[str, str]) -> None:
    """ "Question answered?" is asked in both languages or in neither."""
    dutch, english = texts["answered_question"], texts["answered_question_en"]
    if bool(dutch) == bool(english):
        return
    missing = "answered_question_en" if dutch else "answered_question"
    raise ValidationError(
        {
            missing: ValidationError(
                _("Fill in the question in both languages, or leave both empty to not ask it."),
                code="one_language",
            )
        }
    )


@transaction.atomic
def survey_version_create(*, channel: str, created_by: User | None, **texts: str) -> SurveyVersion:
    """The channel's next version with this wording (texts left out keep the current one's).

    Never changes an existing version. The same wording as the current version gives back
    the current version, so a form sent twice adds one version, not two; two administrators
    saving different wording at the same moment: the second is refused (ValidationError,
    code "conflict") and sees the first one's version before trying again.
    """
    unknown = set(texts) - set(SURVEY_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey texts: {', '.join(sorted(unknown))}")
    current = survey_version_current(channel)
    wording = {
        name: " ".join(str(texts.get(name, getattr(current, name))).split())
        for name in SURVEY_TEXT_FIELDS
    }
    _answered_question_check(wording)
    if _same_wording(current, wording):
        return current
    version = SurveyVersion(
        channel=channel, version=current.version + 1, created_by=created_by, **wording
    )
    version.full_clean(exclude=["version"])
    try:
        with transaction.atomic():
            version.save()
            survey_version_forget(channel)
    except IntegrityError:
        newest = survey_version_current(channel)
        if _same_wording(newest, wording):
            return newest
        raise ValidationError(
            _("Someone else saved new questions for this channel just now. Check them first."),
            code="conflict",
        ) from None
    return version
