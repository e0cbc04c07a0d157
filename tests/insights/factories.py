"""Factories for insights: codes, excerpts and insights."""

import factory

from insights.models import Code, Excerpt, Insight
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
        author_key=author.research_id if author is not None and not author.is_staff_member else "",
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
