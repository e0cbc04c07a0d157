"""Load the demo content and demo accounts. Idempotent: a second run changes nothing."""

import datetime
import importlib
import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from community import demo_content as community_demo
from community import demo_profiles
from community.models import Role, Segment, User
from community.services import user_create
from projects import demo_content, demo_discussions
from projects.models import (
    Audience,
    HomePage,
    PollOption,
    PollVote,
    ProjectIndexPage,
    ProjectPage,
    ResponseMode,
    SiteLinks,
    StandardPage,
    TopicPage,
)
from projects.services.polls import poll_vote

DEMO_PASSWORD = "demo-ouders-2026"
DEMO_ACCOUNTS: list[tuple[str, str, list[Role]]] = [
    ("beheerder@example.org", "Beheerder", [Role.ADMIN]),
    ("onderzoeker@example.org", "Onderzoeker", [Role.RESEARCHER]),
    ("moderator@example.org", "Moderator", [Role.MODERATOR]),
    ("teamverantwoordelijke@example.org", "Teamverantwoordelijke", [Role.TEAM_LEAD]),
    ("medewerker@example.org", "Verpleegkundige An", [Role.STAFF_MEMBER]),
    ("klachten@example.org", "Klachtenbehandelaar", [Role.COMPLAINTS_OFFICER]),
    ("klachtenverantwoordelijke@example.org", "Klachtenverantwoordelijke", [Role.COMPLAINTS_LEAD]),
    ("kindveiligheid@example.org", "Aanspreekpunt Kindveiligheid", [Role.SAFEGUARDING_OFFICER]),
    ("ouder1@example.org", "Ouder Een", []),
    ("ouder2@example.org", "Ouder Twee", []),
    ("ouder3@example.org", "Ouder Drie", []),
    ("ouder4@example.org", "Ouder Vier", []),
    ("ouder5@example.org", "Ouder Vijf", []),
    ("ouder6@example.org", "Ouder Zes", []),
    ("ouder7@example.org", "Ouder Zeven", []),
]


def publish(page: Page) -> None:
    page.save_revision().publish()


class Command(BaseCommand):
    help = "Create the demo pages and one demo account per role (development only)."

    def handle(self, *args, **options) -> None:
        if not settings.SEED_DEMO_ALLOWED:
            raise CommandError("seed_demo is for development and tests; these settings forbid it.")
        with transaction.atomic():
            created_users = self.seed_accounts()
            created_pages = self.seed_pages()
            # The demo parents accept the published terms, so they skip onboarding.
            community_demo.consent_documents_seed()
            community_demo.demo_members_onboard()
            demo_profiles.demo_profiles_seed()
            demo_profiles.demo_segment_seed(created_by_email="onderzoeker@example.org")
            created_pages += self.seed_segment_project(ProjectIndexPage.objects.get())
            created_posts = demo_discussions.discussions_seed() + self.seed_poll_votes()
            demo_discussions.reactions_seed()
            for seed in self.other_apps_demo_seeds():
                seed(stdout=self.stdout)
        self.stdout.write(f"Demo discussion ready ({created_posts} posts and votes created).")
        self.stdout.write(
            f"Demo content ready ({created_pages} pages and {created_users} accounts created)."
        )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, _name, roles in DEMO_ACCOUNTS:
            role = ", ".join(str(r.label) for r in roles) or "Ouder (parent)"
            self.stdout.write(f"  {email:<36} {role}")

    def seed_accounts(self) -> int:
        created = 0
        for email, name, roles in DEMO_ACCOUNTS:
            if User.objects.filter(email__iexact=email).exists():
                continue
            first_name, _, last_name = name.partition(" ")
            user_create(
                email=email,
                password=DEMO_PASSWORD,
                roles=roles,
                first_name=first_name,
                last_name=last_name,
                email_verified=True,
            )
            created += 1
        return created

    def seed_pages(self) -> int:
        home = HomePage.objects.get()
        created = 0
        if not home.intro:
            home.intro = demo_content.HOME["intro"]
            home.intro_en = demo_content.HOME["intro_en"]
            publish(home)
        index = ProjectIndexPage.objects.get()
        if not index.intro:
            index.intro = demo_content.PROJECT_INDEX["intro"]
            index.intro_en = demo_content.PROJECT_INDEX["intro_en"]
            publish(index)

        links = SiteLinks.for_site(Site.objects.get(is_default_site=True))
        links_changed = False
        for spec in demo_content.STANDARD_PAGES:
            page = StandardPage.objects.child_of(home).filter(slug=spec["slug"]).first()
            if page is None:
                page = StandardPage(
                    slug=spec["slug"],
                    title=spec["title"],
                    title_en=spec["title_en"],
                    show_in_menus=spec["show_in_menus"],
                    body=spec["body"],
                    body_en=spec["body_en"],
                )
                home.add_child(instance=page)
                publish(page)
                created += 1
            field = f"{spec['role']}_page" if spec["role"] else None
            if field and getattr(links, f"{field}_id") is None:
                setattr(links, field, page)
                links_changed = True
        if links_changed:
            links.save()

        created += self.seed_demo_project(index)
        return created

    def seed_demo_project(self, index: ProjectIndexPage) -> int:
        return self.seed_project(index, demo_content.DEMO_PROJECT)

    def seed_segment_project(self, index: ProjectIndexPage) -> int:
        spec = demo_content.SEGMENT_PROJECT
        segment = Segment.objects.filter(name=spec["segment"]).first()
        if segment is None:
            return 0
        return self.seed_project(index, spec, segments=[segment])

    def seed_project(
        self, index: ProjectIndexPage, spec: dict, segments: list[Segment] | None = None
    ) -> int:
        """A project with its topics, open from a few days ago; nothing when it exists."""
        if ProjectPage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            return 0
        today = timezone.localdate()
        project = ProjectPage(
            slug=spec["slug"],
            title=spec["title"],
            title_en=spec["title_en"],
            summary=spec["summary"],
            summary_en=spec["summary_en"],
            introduction=spec["introduction"],
            introduction_en=spec["introduction_en"],
            start_date=today + datetime.timedelta(days=spec["start_days"]),
            end_date=today + datetime.timedelta(days=spec["end_days"]),
            contact_name=spec["contact_name"],
            contact_email=spec["contact_email"],
            audience=Audience.SEGMENTS if segments else Audience.ALL,
            # The demo researcher's own projects, as on their admin home ("My projects").
            owner=User.objects.filter(email__iexact="onderzoeker@example.org").first(),
        )
        index.add_child(instance=project)
        if segments:
            project.segments.set(segments)
            project.save()
        publish(project)
        for topic_spec in spec["topics"]:
            topic = TopicPage(
                slug=topic_spec["slug"],
                title=topic_spec["title"],
                title_en=topic_spec["title_en"],
                question=topic_spec["question"],
                question_en=topic_spec["question_en"],
                response_mode=topic_spec.get("response_mode", ResponseMode.OPEN),
                poll_multiple=topic_spec.get("poll_multiple", False),
                poll_comment=topic_spec.get("poll_comment", False),
                poll_options=[
                    PollOption(label=label, label_en=label_en, sort_order=number)
                    for number, (label, label_en) in enumerate(topic_spec.get("options", []))
                ],
            )
            project.add_child(instance=topic)
            publish(topic)
        return 1 + len(spec["topics"])

    def _topic(self, project_slug: str, topic_slug: str) -> TopicPage | None:
        return TopicPage.objects.filter(
            slug=topic_slug, path__startswith=ProjectPage.objects.get(slug=project_slug).path
        ).first()

    def seed_poll_votes(self) -> int:
        """Votes (some with a comment) in the segment's poll, so its results show; each demo
        parent votes once."""
        spec = demo_content.POLL_VOTES
        if not ProjectPage.objects.filter(slug=spec["project"]).exists():
            return 0
        topic = self._topic(spec["project"], spec["topic"])
        if topic is None:
            return 0
        options = list(topic.poll_options.order_by("sort_order", "pk"))
        voted = set(
            PollVote.objects.filter(option__topic=topic).values_list("user__email", flat=True)
        )
        created = 0
        for email, option, comment in spec["votes"]:
            user = User.objects.filter(email=email).first()
            if user is None or email in voted:
                continue
            poll_vote(user=user, topic=topic, option_ids=[options[option].pk], comment=comment)
            created += 1
        return created

    def other_apps_demo_seeds(self) -> list:
        """`seed(stdout=…)` from the demo_content module of each of the site's own apps that
        has one (insights, …): apps that depend on projects add their demo this way, so
        projects never imports them."""
        base = Path(settings.BASE_DIR).resolve()
        seeds = []
        for config in apps.get_app_configs():
            if config.name == "projects" or base not in Path(config.path).resolve().parents:
                continue
            name = f"{config.name}.demo_content"
            if importlib.util.find_spec(name) is None:
                continue
            seed = getattr(importlib.import_module(name), "seed", None)
            if callable(seed):
                seeds.append(seed)
        return seeds
