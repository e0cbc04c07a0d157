"""The home page's image slot: editors fill it in the Wagtail admin; it is served in sizes and
formats a phone and a wide screen each pick from, described or marked as decoration, and
the page shows no empty slot without it."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import nested_form_data, rich_text

from projects.models import HomePage
from tests.projects.factories import ProjectPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def photo(db):
    return get_image_model().objects.create(
        title="Ouders in de wachtzaal", file=get_test_image_file("ouders.png", size=(1600, 1200))
    )


def home_with(home_page: HomePage, **fields) -> HomePage:
    for name, value in fields.items():
        setattr(home_page, name, value)
    home_page.save_revision().publish()
    return home_page


def hero_img(html: str) -> str:
    match = re.search(r"<img [^>]*class=\"hero__image\"[^>]*>", html)
    assert match, "no image in the hero"
    return match.group(0)


def test_the_image_an_editor_chose_shows_in_sizes_and_formats_for_every_screen(
    client, home_page, photo
):
    home_with(home_page, hero_image=photo, hero_image_alt="Twee ouders praten in de wachtzaal")

    html = client.get("/").content.decode()

    assert 'class="hero hero--with-image"' in html
    assert '<source sizes="' in html and 'type="image/webp"' in html
    img = hero_img(html)
    assert 'alt="Twee ouders praten in de wachtzaal"' in img
    # width and height reserve the space before the file arrives: no layout shift
    assert 'width="480"' in img and 'height="360"' in img
    for width in (480, 800, 1200):
        assert f" {width}w" in img
        assert re.search(rf"\.webp {width}w", html)
    assert 'sizes="' in img and 'decoding="async"' in img


def test_english_readers_get_the_english_description_or_else_the_dutch_one(
    client, home_page, photo
):
    home_with(
        home_page,
        hero_image=photo,
        hero_image_alt="Twee ouders in gesprek",
        hero_image_alt_en="Two parents talking",
    )
    assert 'alt="Two parents talking"' in hero_img(client.get("/en/").content.decode())

    home_with(home_page, hero_image_alt_en="")
    assert 'alt="Twee ouders in gesprek"' in hero_img(client.get("/en/").content.decode())


def test_an_image_without_a_description_is_marked_as_decoration(client, home_page, photo):
    home_with(home_page, hero_image=photo, hero_image_alt="")

    img = hero_img(client.get("/").content.decode())

    assert 'alt=""' in img
    assert photo.title not in img  # not Wagtail's default alt text, the image's title


def test_without_an_image_the_home_page_has_no_empty_slot(client, home_page):
    html = client.get("/").content.decode()

    assert 'class="hero"' in html
    for trace in ("hero--with-image", "hero__image", "<picture", "<img alt"):
        assert trace not in html


def test_a_deleted_image_leaves_the_home_page_without_it(client, home_page, photo):
    home_with(home_page, hero_image=photo, hero_image_alt="Ouders")

    photo.delete()

    home_page.refresh_from_db()
    assert home_page.hero_image is None
    assert client.get("/").status_code == HTTPStatus.OK
    assert "hero__image" not in client.get("/").content.decode()


def edit_form(home_page: HomePage, **fields) -> dict:
    return nested_form_data(
        {
            "title": home_page.title,
            "slug": home_page.slug,
            "title_en": home_page.title_en,
            "intro": rich_text(home_page.intro),
            "intro_en": rich_text(home_page.intro_en),
            "hero_image": "",
            "hero_image_alt": "",
            "hero_image_alt_en": "",
            "action-publish": "publish",
            **fields,
        }
    )


def test_an_editor_sets_the_image_and_its_descriptions_in_the_admin(
    client_for_role, home_page, photo
):
    client = client_for_role("admin")
    edit_url = reverse("wagtailadmin_pages:edit", args=(home_page.pk,))

    form = client.get(edit_url).content.decode()
    for name in ("hero_image", "hero_image_alt", "hero_image_alt_en"):
        assert f'name="{name}"' in form

    response = client.post(
        edit_url,
        edit_form(
            home_page,
            hero_image=photo.pk,
            hero_image_alt="Twee ouders in gesprek",
            hero_image_alt_en="Two parents talking",
        ),
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    home_page.refresh_from_db()
    assert home_page.hero_image == photo
    assert (home_page.hero_image_alt, home_page.hero_image_alt_en) == (
        "Twee ouders in gesprek",
        "Two parents talking",
    )
    assert not home_page.has_unpublished_changes
    assert 'alt="Twee ouders in gesprek"' in hero_img(client.get("/").content.decode())


def test_an_editor_takes_the_image_away_again(client_for_role, home_page, photo):
    home_with(home_page, hero_image=photo, hero_image_alt="Ouders")
    client = client_for_role("admin")

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(home_page.pk,)), edit_form(home_page)
    )

    assert response.status_code == HTTPStatus.FOUND
    home_page.refresh_from_db()
    assert home_page.hero_image is None
    assert "hero__image" not in client.get("/").content.decode()


def queries_for(client, path: str) -> int:
    client.get(path)  # warm the caches the way a second visitor finds them
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


@pytest.mark.parametrize("with_image", [False, True], ids=["no image", "image"])
def test_the_home_page_costs_the_same_queries_for_one_project_or_three(
    client, parent, home_page, project_index, photo, with_image, django_assert_num_queries
):
    if with_image:
        home_with(home_page, hero_image=photo, hero_image_alt="Ouders")
    client.force_login(parent)
    ProjectPageFactory(parent=project_index)
    budget = queries_for(client, "/")

    ProjectPageFactory.create_batch(2, parent=project_index)
    client.get("/")  # the new pages renew the kept menu; a second visitor finds it kept

    with django_assert_num_queries(budget):
        html = client.get("/").content.decode()
    assert html.count('class="card"') == 3
