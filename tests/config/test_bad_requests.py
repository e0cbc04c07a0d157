"""A request that lacks a field its form always sends is answered 400 with the styled page.

Such a request was made by hand or by a bot, not by our forms: a 500 would page the team for
nothing, and a traceback page would tell the sender about our code.
"""

import logging
from http import HTTPStatus

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


def view_reading_a_missing_field(request: HttpRequest) -> HttpResponse:
    """Reads a query parameter the way a careless view would: without a default."""
    return HttpResponse(request.GET["page"])


urlpatterns = [path("reads-a-field/", view_reading_a_missing_field)]


def test_page_edit_post_without_streamfield_counts_is_refused_and_changes_nothing(
    client, admin_user, project_page
):
    login_with_two_factor(client, admin_user)
    revisions = project_page.revisions.count()

    response = client.post(
        f"/admin/pages/{project_page.pk}/edit/",
        {
            "title": "Door een bot veranderd",
            "title_en": "Changed by a bot",
            "slug": project_page.slug,
            "summary": "Niet via het formulier.",
            "start_date": "2025-01-01",
            "audience": "all",
            "moderation_mode": "post",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "400.html" in [template.name for template in response.templates]
    project_page.refresh_from_db()
    assert project_page.title == "Slapen"
    assert project_page.revisions.count() == revisions


@pytest.mark.urls(__name__)
def test_missing_field_anywhere_answers_400_with_the_styled_page_and_a_warning(client, caplog):
    with caplog.at_level(logging.WARNING, logger="config.middleware"):
        response = client.get("/reads-a-field/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Something was missing</h1>" in html
    assert '<a class="button" href="/">Go to the home page</a>' in html
    assert 'style="' not in html
    assert "<script" not in html
    [record] = [r for r in caplog.records if r.name == "config.middleware"]
    assert record.levelno == logging.WARNING
    assert "'page'" in record.getMessage()
    assert "/reads-a-field/" in record.getMessage()


@pytest.mark.urls(__name__)
def test_bad_request_page_is_dutch_by_default(client):
    response = client.get("/reads-a-field/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<html lang="nl">' in response.content.decode()


@pytest.mark.urls(__name__)
def test_request_with_the_field_is_served_normally(client):
    response = client.get("/reads-a-field/", {"page": "2"})

    assert response.status_code == HTTPStatus.OK
    assert response.content == b"2"
