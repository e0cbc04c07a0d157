"""Insights' demo content: a codebook, coded passages of the demo discussion, one insight with
two actions and one published "Jullie zeiden, wij deden" update, so a newcomer sees the whole
loop after `make run`.

Found and called by `manage.py seed_demo` (projects), which looks for a `seed` function in
each app's demo_content module: projects never imports insights. Idempotent: once the demo
insight exists, nothing is added. Everything goes through the services, as staff would.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from community.models import User
from insights.models import ActionStatus, Code, Insight, InsightStatus, Priority
from insights.services.codebook import code_create
from insights.services.coding import excerpt_code
from insights.services.insights import (
    action_create,
    action_status_change,
    insight_create,
    insight_evidence_add,
    insight_status_change,
)
from insights.services.updates import update_create, update_publish
from projects.models import Post, ProjectPage
from projects.post_text import post_plain_text

CODER_EMAIL = "moderator@example.org"
RESEARCHER_EMAIL = "onderzoeker@example.org"
PROJECT_SLUG = "eerste-weken-thuis"

# name, English name, use when…, colour, parent code's name
CODES: list[tuple[str, str, str, str, str]] = [
    (
        "Bereikbaarheid",
        "Being reachable",
        "Gebruik wanneer een ouder zegt wanneer of hoe die Kind en Gezin kan bereiken.",
        "#005a6e",
        "",
    ),
    (
        "'s Avonds en 's nachts",
        "Evenings and nights",
        "Gebruik wanneer een ouder vragen heeft buiten de kantooruren.",
        "#1f6f8b",
        "Bereikbaarheid",
    ),
    (
        "Informatie na de geboorte",
        "Information after the birth",
        "Gebruik wanneer een ouder te veel, te weinig of onduidelijke informatie kreeg.",
        "#8a4f00",
        "",
    ),
    (
        "Taal en begrijpelijkheid",
        "Language and clarity",
        "Gebruik wanneer taal of moeilijke woorden een drempel zijn.",
        "#6b3fa0",
        "",
    ),
    (
        "Rol van de partner",
        "Role of the partner",
        "Gebruik wanneer een ouder vertelt hoe de partner betrokken werd.",
        "#2e7d32",
        "",
    ),
    (
        "Huisbezoek",
        "Home visit",
        "Gebruik voor alles over het huisbezoek van de verpleegkundige.",
        "#b3261e",
        "",
    ),
]

# The start of a post in the demo discussion, the passage to code (None: the whole post),
# the codes; the first five passages are the insight's evidence (five distinct parents).
EXCERPTS: list[tuple[str, str | None, list[str]]] = [
    (
        "De eerste nachten waren zwaar.",
        "Ik had veel vragen over voeding, maar 's nachts kon ik niemand bellen.",
        ["'s Avonds en 's nachts"],
    ),
    ("Herkenbaar! Om drie uur", None, ["'s Avonds en 's nachts"]),
    (
        "De K&G-Lijn was heel vriendelijk",
        "maar 's avonds is ze gesloten. Net dan huilde mijn baby het meest en had ik de meeste "
        "vragen.",
        ["'s Avonds en 's nachts"],
    ),
    (
        "Ik had graag een plek gehad",
        None,
        ["'s Avonds en 's nachts", "Bereikbaarheid"],
    ),
    (
        "Als pleegouder kreeg ik",
        "En 's avonds wist ik niet wie ik kon bellen met mijn vragen.",
        ["'s Avonds en 's nachts"],
    ),
    ("Ik kreeg zoveel papieren mee", None, ["Informatie na de geboorte"]),
    ("Ik spreek thuis Arabisch.", None, ["Taal en begrijpelijkheid"]),
    ("Als papa voelde ik me", None, ["Rol van de partner", "Huisbezoek"]),
    ("Met een tweeling was", None, ["Huisbezoek"]),
]
EVIDENCE_COUNT = 5

INSIGHT = {
    "title": "Ouders willen 's avonds iemand kunnen bereiken",
    "finding": (
        "In de eerste weken hebben ouders vooral 's avonds en 's nachts vragen, over voeding, "
        "huilen en slapen. De K&G-Lijn is dan gesloten. Ouders zoeken dan op internet en "
        "worden daar onzeker van."
    ),
    "recommended_action": (
        "De K&G-Lijn langer open houden op weekdagen, en een manier bieden om 's avonds kort "
        "een vraag te stellen zonder te bellen."
    ),
    "owner_team": "K&G-Lijn",
}

ACTIONS = [
    {
        "title": "De K&G-Lijn is op weekdagen open tot 22 uur",
        "owner": "K&G-Lijn",
        "due_days": 60,
        "description": "Een proef van zes maanden, met twee extra medewerkers per avond.",
        "started": True,
    },
    {
        "title": "Een chat voor korte vragen, 's avonds",
        "owner": "Digitale dienstverlening",
        "due_days": 150,
        "description": "Ouders stellen een korte vraag via de website en krijgen dezelfde avond "
        "antwoord.",
        "started": False,
    },
]

UPDATE = {
    "title": "'s Avonds iemand bereiken",
    "title_en": "Someone to reach in the evening",
    "parents_said": (
        "In de eerste weken met je baby komen de vragen vaak 's avonds of 's nachts. Dan kon je "
        "ons niet bereiken. Veel ouders zochten dan op internet en werden daar onzeker van."
    ),
    "parents_said_en": (
        "In the first weeks with your baby, questions often come in the evening or at night. "
        "Then you could not reach us. Many parents searched the internet and felt more unsure."
    ),
    "we_do": (
        "De K&G-Lijn blijft op weekdagen open tot 22 uur. We testen ook een chat, zodat je 's "
        "avonds een korte vraag kunt stellen zonder te bellen."
    ),
    "we_do_en": (
        "The K&G helpline stays open until 10 pm on weekdays. We are also testing a chat, so "
        "you can ask a short question in the evening without calling."
    ),
    "by_days": 60,
    "quotes": 2,  # the first passages of the evidence are published as quotes
}


def _staff(email: str) -> User | None:
    """A demo staff account acting as in a session that passed the second factor: the
    seed command stands in for them at the keyboard."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        user.second_factor_passed = True
    return user


def _codes_seed(user: User) -> dict[str, Code]:
    codes = {code.name: code for code in Code.objects.filter(project__isnull=True)}
    for name, name_en, description, colour, parent in CODES:
        if name not in codes:
            codes[name] = code_create(
                user=user,
                name=name,
                name_en=name_en,
                description=description,
                colour=colour,
                parent=codes.get(parent),
            )
    return codes


def _post_starting(project: ProjectPage, start: str) -> Post:
    return Post.objects.filter(project=project, text__startswith=start).order_by("pk").first()


@transaction.atomic
def seed(stdout=None) -> bool:
    """Code the demo discussion and build the loop up to a published update; nothing when
    the demo insight exists or the demo discussion is missing. Returns whether it built."""
    if Insight.objects.filter(title=INSIGHT["title"]).exists():
        return False
    project = ProjectPage.objects.filter(slug=PROJECT_SLUG).first()
    coder, researcher = _staff(CODER_EMAIL), _staff(RESEARCHER_EMAIL)
    if project is None or coder is None or researcher is None:
        return False
    posts = [_post_starting(project, start) for start, _passage, _codes in EXCERPTS]
    if None in posts:
        return False
    codes = _codes_seed(researcher)
    excerpts = []
    for post, (_start, passage, code_names) in zip(posts, EXCERPTS, strict=True):
        start = end = None
        if passage is not None:
            start = post_plain_text(post.body).index(passage)
            end = start + len(passage)
        excerpts.append(
            excerpt_code(
                coder=coder,
                post=post,
                start=start,
                end=end,
                codes=[codes[name] for name in code_names],
            )
        )

    insight = insight_create(user=coder, projects=[project], priority=Priority.HIGH, **INSIGHT)
    for excerpt in excerpts[:EVIDENCE_COUNT]:
        insight_evidence_add(user=coder, insight=insight, excerpt=excerpt)
    insight_status_change(user=coder, insight=insight, to_status=InsightStatus.PROPOSED)
    insight_status_change(
        user=researcher,
        insight=insight,
        to_status=InsightStatus.ACCEPTED,
        comment="Past in het plan voor de K&G-Lijn van dit jaar.",
    )

    today = timezone.localdate()
    actions = []
    for spec in ACTIONS:
        actions.append(
            action_create(
                user=researcher,
                insight=insight,
                title=spec["title"],
                owner=spec["owner"],
                description=spec["description"],
                due_date=today + datetime.timedelta(days=spec["due_days"]),
            )
        )

    update = update_create(
        insight=insight,
        user=coder,
        title=UPDATE["title"],
        title_en=UPDATE["title_en"],
        parents_said=UPDATE["parents_said"],
        parents_said_en=UPDATE["parents_said_en"],
        we_do=UPDATE["we_do"],
        we_do_en=UPDATE["we_do_en"],
        by_when=today + datetime.timedelta(days=UPDATE["by_days"]),
        quotes=excerpts[: UPDATE["quotes"]],
    )
    update_publish(update=update, user=coder)
    for action, spec in zip(actions, ACTIONS, strict=True):
        if spec["started"]:
            # Parents hear of it through ACTION_STATUS_CHANGED once the seed commits.
            action_status_change(user=researcher, action=action, to_status=ActionStatus.IN_PROGRESS)
    if stdout is not None:
        stdout.write(
            f"Insights demo ready: {len(codes)} codes, {len(excerpts)} excerpts, one insight "
            f"with {len(actions)} actions and one published update."
        )
    return True
