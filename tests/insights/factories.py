"""Factories for insights: codes, excerpts and insights."""

import factory

from insights.models import Code, Excerpt, Insight
from insights.models.coding import excerpt_author_key
from projects.post_text import post_plain_text


class CodeFactory(factory.django.DjangoModelFactory):
    """A global code unless `project` is given."""

    class Meta:
        model = Code

    name = factory.Sequence(lambda n: f"Code {n}")
    name_en = factory.LazyAttribute(lambda code: f"{code.name} (en)")
    description = "Gebruik wanneer een ouder dit thema noemt."


def excerpt_of(post, coder, *codes, start: int = 0, end: int | None = None, **fields) -> Excerpt:
    """An excerpt of a post's plain text (the whole post by default) with these codes,
    as the coding service stores it, without its checks and audit."""
    text = post_plain_text(post.body)
    end = len(text) if end is None else end
    author = post.author
    excerpt = Excerpt.objects.create(
        post=post,
        topic_id=post.topic_id,
        project_id=post.project_id,
        author=author,
        author_key=excerpt_author_key(author),
        quote=text[start:end],
        start=start,
        end=end,
        coder=coder,
        **fields,
    )
    for code in codes:
        excerpt.codings.create(code=code, coder=coder)
    return excerpt


class InsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insight
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Inzicht {n}")
    finding = "Ouders willen sneller een afspraak."

    @factory.post_generation
    def projects(self, create: bool, extracted: list | None, **kwargs) -> None:
        if create and extracted:
            self.projects.set(extracted)


# --- public updates ---


class PublicUpdateFactory(factory.django.DjangoModelFactory):
    """A draft update of an accepted insight (pass insight=…); publish it through the service
    or pass status/published_at/parent_count for a published one."""

    class Meta:
        model = "insights.PublicUpdate"

    title = factory.Sequence(lambda n: f"Update {n}")
    title_en = factory.LazyAttribute(lambda update: f"{update.title} (en)")
    parents_said = "Ouders wachten te lang op een afspraak."
    parents_said_en = "Parents wait too long for an appointment."
    we_do = "We openen extra uren op zaterdag."
    we_do_en = "We open extra hours on Saturdays."


def insight_with_parents(topic, coder, parents, **fields) -> Insight:
    """An accepted insight in the topic's project whose evidence is one excerpt of a post by
    each of these parents."""
    from insights.models import InsightEvidence, InsightStatus
    from tests.projects.factories import post_write

    insight = InsightFactory(
        projects=[topic.get_parent().specific], status=InsightStatus.ACCEPTED, **fields
    )
    for number, parent in enumerate(parents):
        post = post_write(topic, parent, f"Ik wachtte {number + 2} weken op een afspraak.")
        InsightEvidence.objects.create(insight=insight, excerpt=excerpt_of(post, coder))
    return insight


class ActionFactory(factory.django.DjangoModelFactory):
    """A planned action of an insight (pass insight=…, an accepted one)."""

    class Meta:
        model = "insights.Action"

    title = factory.Sequence(lambda n: f"Actie {n}")
    owner = "Team Onthaal"
