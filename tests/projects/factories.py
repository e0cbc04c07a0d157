"""Page factories: each page is added under its parent and published, as an editor would."""

import factory
from wagtail.models import Page

from projects.models import Post, ProjectPage, Reaction, StandardPage, TopicPage


class PageFactory(factory.Factory):
    """Build with `parent=<page>`; the page is added as its child and published."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Pagina {n}")
    title_en = factory.LazyAttribute(lambda page: f"{page.title} (en)")
    slug = factory.Sequence(lambda n: f"pagina-{n}")

    @classmethod
    def _create(cls, model_class: type[Page], *args, parent: Page, **kwargs) -> Page:
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class ProjectPageFactory(PageFactory):
    class Meta:
        model = ProjectPage

    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    summary = "Een korte samenvatting van het project."
    summary_en = "A short summary of the project."


class TopicPageFactory(PageFactory):
    class Meta:
        model = TopicPage

    title = factory.Sequence(lambda n: f"Onderwerp {n}")
    slug = factory.Sequence(lambda n: f"onderwerp-{n}")
    question = "<p>Hoe verliep het eerste huisbezoek?</p>"
    question_en = "<p>How did the first home visit go?</p>"


class StandardPageFactory(PageFactory):
    class Meta:
        model = StandardPage

    body = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>Tekst in het Nederlands.</p>"}]
    )
    body_en = factory.LazyFunction(lambda: [{"type": "paragraph", "value": "<p>English text.</p>"}])


class PostFactory(factory.django.DjangoModelFactory):
    """An answer in a topic; pass parent=<post> for a reply (same topic)."""

    class Meta:
        model = Post

    topic = factory.LazyAttribute(lambda post: post.parent.topic if post.parent else None)
    author = None
    parent = None
    body = factory.Sequence(lambda n: f"<p>Bijdrage {n}</p>")


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction
