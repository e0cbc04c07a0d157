"""Page factories: each page is added under its parent and published, as an editor would."""

import factory
from wagtail.models import Page

from community.models import Segment
from projects.models import Post, ProjectPage, Reaction, StandardPage, TopicPage
from projects.post_text import post_text_render


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
    project = factory.LazyAttribute(lambda post: post.topic.project)
    author = None
    parent = None
    body = factory.Sequence(lambda n: f"<p>Bijdrage {n}</p>")


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction


class ModerationPostFactory(PostFactory):
    """A post as members write them: with its project and the typed text (moderation tests)."""

    text = factory.Sequence(lambda n: f"Bijdrage {n}")
    body = factory.LazyAttribute(lambda post: f"<p>{post.text}</p>")


def project_for_segments(parent: Page, segments: list, **kwargs) -> ProjectPage:
    """A published project open only to members of these segments."""
    project = ProjectPageFactory(parent=parent, audience="segments", **kwargs)
    project.segments.set(segments)
    project.save_revision().publish()
    project.refresh_from_db()
    return project


def invite_list(name: str, *members) -> Segment:
    """A segment without rules whose members were added by hand: an invite list."""
    segment = Segment.objects.create(name=name)
    segment.invited_members.set(members)
    segment.save()
    return segment


def post_write(topic, author, text: str, **fields) -> Post:
    """A post as a member typed it (marks rendered, as the posting service stores it),
    without the service's checks and notifications."""
    return Post.objects.create(
        topic=topic,
        project=topic.get_parent().specific,
        author=author,
        text=text,
        body=post_text_render(text),
        **fields,
    )
