"""The parent's micro-survey behind a one-time link (`/f/<token>/`, English `/en/f/<token>/`).

No login, no JavaScript, no cookie: the token in the address is the only key, so the form
carries no CSRF token (a forged POST would need the secret token itself, and there is no
session for it to ride on). Every survey page is `no-store` and `noindex`, because its
address is a working link.

Opening the page records nothing, whatever its query (`?score=4` from a mail only chooses the
score: mail scanners open every link); only Send does. A link that was answered, expired or
never existed gets a friendly page (410 or 404), and a second Send of an answered link gets
the thank-you page again: the parent sees the same outcome, and the database keeps one
response (the contact's one-to-one response, AlreadyAnswered).
"""

import datetime
import re
from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from feedback.forms.survey import SurveyForm, score_from_query
from feedback.models import Invitation, Response
from feedback.services.surveys import (
    AlreadyAnswered,
    response_submit,
    survey_version_for_answers,
)
from feedback.tokens import token_hash

# What token_new makes (URL-safe base64), with room for longer ones; anything else is not a
# link we sent and is not looked up.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _other_language(url_name: str, *args: str, **kwargs: str) -> tuple[str, str]:
    """The code and address of this page in the other language (Dutch ↔ English)."""
    other = "en" if translation.get_language() == "nl" else "nl"
    with translation.override(other):
        return other, reverse(url_name, args=args or None, kwargs=kwargs or None)


def _survey_response(template: str, context: dict, status: int = HTTPStatus.OK) -> HttpResponse:
    """A survey page: rendered without the request, so none of the site's context processors
    (navigation, notifications) runs for a page that shows none of it."""
    html = render_to_string(f"feedback/survey/{template}", context)
    response = HttpResponse(html, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unavailable(token: str, reason: str) -> HttpResponse:
    """A friendly page for a link that cannot be answered: used or expired (410), unknown
    (404). The language switch keeps the token only for a well-formed one."""
    if TOKEN_PATTERN.match(token):
        language, switch_url = _other_language("feedback_survey", token=token)
    else:
        language, switch_url = _other_language("wagtail_serve", "")
    status = HTTPStatus.NOT_FOUND if reason == "unknown" else HTTPStatus.GONE
    return _survey_response(
        "unavailable.html",
        {"reason": reason, "switch_language": language, "switch_url": switch_url},
        status=status,
    )


# The thank-you page's address per language (and script prefix): reverse() on every Send
# cost a twentieth of it (bench/survey.py).
_thanks_urls: dict[tuple[str, str], str] = {}


def _to_thanks() -> HttpResponseRedirect:
    key = (translation.get_language(), get_script_prefix())
    url = _thanks_urls.get(key)
    if url is None:
        url = _thanks_urls[key] = reverse("feedback_survey_thanks")
    return HttpResponseRedirect(url)


# What the page and response_record read, all on the invitation's own row (it carries its
# contact's channel, staff member, team and region), and whether the contact has its response.
# Written out and read with a plain cursor: the ORM's building of this query (an annotated
# subquery), and then a raw queryset's machinery, cost more CPU than the rest of a submission
# (bench/survey.py, docs/benchmarks.md).
# In the model's field order, as Model.from_db takes a partial row.
INVITATION_FIELDS = tuple(
    field.attname
    for field in Invitation._meta.concrete_fields
    if field.attname
    in {"id", "contact_id", "expires_at", "channel", "staff_id", "team_id", "region_id"}
)
INVITATION_SQL = (
    "SELECT {fields}, EXISTS (SELECT 1 FROM {responses} r WHERE r.contact_id = i.contact_id)"
    " AS answered FROM {invitations} i WHERE i.token_hash = %s"
).format(
    fields=", ".join(f"i.{field}" for field in INVITATION_FIELDS),
    responses=Response._meta.db_table,
    invitations=Invitation._meta.db_table,
)


def _invitation_for_token(token: str) -> Invitation | None:
    """The invitation with everything the page and the answer need, in one query, and
    whether it was answered (`answered`)."""
    if not TOKEN_PATTERN.match(token):
        return None
    with connection.cursor() as cursor:
        cursor.execute(INVITATION_SQL, [token_hash(token)])
        row = cursor.fetchone()
    if row is None:
        return None
    invitation = Invitation.from_db(connection.alias, INVITATION_FIELDS, row[:-1])
    if timezone.is_naive(invitation.expires_at):  # SQLite's driver gives UTC without a zone
        invitation.expires_at = invitation.expires_at.replace(tzinfo=datetime.UTC)
    invitation.answered = bool(row[-1])  # SQLite says 0 or 1
    return invitation


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Show the questions (GET) or store the answers (POST), then thank the parent (PRG)."""
    invitation = _invitation_for_token(token)
    if invitation is None:
        return _unavailable(token, "unknown")
    if invitation.answered:
        if request.method == "POST":
            return _to_thanks()
        return _unavailable(token, "used")
    if invitation.is_expired:
        return _unavailable(token, "expired")

    version = survey_version_for_answers(invitation.channel)
    english = translation.get_language() == "en"
    score = None
    if request.method == "POST":
        form = SurveyForm(request.POST, version=version, english=english)
        if form.is_valid():
            try:
                response_submit(
                    invitation=invitation,
                    survey_version=version,
                    language=translation.get_language(),
                    **form.answers(),
                )
            except AlreadyAnswered:
                # Another tab or a double tap was first: the same outcome for the parent.
                return _to_thanks()
            except ValidationError as error:
                if getattr(error, "code", None) == "expired":
                    return _unavailable(token, "expired")
                _add_service_errors(form, error)
            else:
                return _to_thanks()
    else:
        score = score_from_query(request.GET.get("score"))
        form = SurveyForm(initial={"score": score}, version=version, english=english)
    language, switch_url = _other_language("feedback_survey", token=token)
    if request.method == "GET" and score:
        switch_url = f"{switch_url}?score={score}"
    return _survey_response(
        "survey.html",
        {
            "form": form,
            "form_action": request.path,
            "channel": invitation.get_channel_display(),
            "switch_language": language,
            "switch_url": switch_url,
        },
    )


def _add_service_errors(form: SurveyForm, error: ValidationError) -> None:
    """The model's own checks (what the form did not foresee), at the field when it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)


@never_cache
@require_GET
def survey_thanks(request: HttpRequest) -> HttpResponse:
    """Where Send leads: no token in its address, so the history and the referrer hold none."""
    language, switch_url = _other_language("feedback_survey_thanks")
    return _survey_response("thanks.html", {"switch_language": language, "switch_url": switch_url})
