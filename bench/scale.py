"""Benchmark at scale (issue 14), run by hand (it is not a test):

    .venv/bin/python bench/scale.py generate --database mtp_scale
    .venv/bin/python bench/scale.py measure --database mtp_scale

`generate` creates the PostgreSQL database when missing (it never drops one), migrates it and
fills it once: 100,000 members (verified e-mail address, current consent, a minimal research
profile), 200 projects with their topics, 1,000,000 posts (one project holds 100,000 of them,
the rest are spread) and the search index entries of every post. Rows go in by COPY, the index
entries by one INSERT … SELECT per batch in the very shape Wagtail's PostgreSQL backend writes
them (see `_index_entries_insert`), so the whole run takes minutes, not hours. A stage that is
already complete is skipped, so a second run only checks.

`measure` prints, for each case, the median time of a few warm runs, the number of queries and
the peak Python memory of one more run: member search (a common and a rare word, first and a
later page), staff search over every post, the project index and a topic page through Django's
test client, counting a project's audience, and the parts of issue 14 that other work
delivers (inviting the 100,000-member audience, exporting the 100,000-post project, enqueuing
the digests). A part that is missing prints "not measured: <reason>"; the invitation and the
digests run inside a transaction that is rolled back, so the database stays reusable.
"""
# ruff: noqa: T201

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.thread import DEFAULT_CACHE_URL, bench_environment, database_ensure  # noqa: E402

MEMBERS = 100_000
PROJECTS = 200
POSTS = 1_000_000
BIG_PROJECT_SHARE = 10  # every tenth post goes to the big project: 100,000 of 1,000,000
BIG_PROJECT_TOPICS = 20
TOPICS_PER_PROJECT = 4
BATCH = 50_000
SEED = 14

BIG_PROJECT_SLUG = "scale-groot"
PROJECT_SLUG = "scale-project-{n}"
MEMBER_EMAIL = "scale-member-{n}@example.org"
RESEARCHER_EMAIL = "scale-researcher@example.org"

# What the posts say. A sleep sentence appears in about one post in five ("slapen" is the
# common word); "tandenfee" in one post in 5,000 (the rare word); each compound word in about
# one post in 200.
SLEEP_SENTENCES = [
    "Onze jongste wil 's avonds niet slapen zonder knuffel.",
    "Sinds de verhuis slapen de kinderen veel onrustiger.",
    "Met een vast ritueel slapen ze bij ons sneller in.",
    "Ik lees voor en dan slapen ze meestal vlot.",
]
GENERAL_SENTENCES = [
    "De consultatie bij Kind en Gezin vond ik erg nuttig.",
    "De verpleegkundige nam echt de tijd voor onze vragen.",
    "Borstvoeding liep de eerste weken niet vanzelf.",
    "We zoeken nog een goede opvang in de buurt.",
    "De wachttijd voor een afspraak was lang.",
    "Onze dochter eet graag groenten als ze mee mag koken.",
    "Het huisbezoek na de geboorte gaf ons veel rust.",
    "Soms weet ik niet bij wie ik terecht kan met een vraag.",
    "De grootouders helpen een dag per week.",
    "Tandenpoetsen blijft elke avond een strijd.",
    "De website had het antwoord niet dat ik zocht.",
    "Ik zou graag meer avondmomenten zien voor werkende ouders.",
    "Het groeiboekje gebruiken we nog elke maand.",
    "Praten met andere ouders doet echt deugd.",
    "De K&G-Lijn hielp ons snel verder.",
    "Vaccinaties plannen lukt goed via de app.",
]
RARE_SENTENCE = "De tandenfee kwam vannacht voor het eerst langs."
# Compound words: every first part with every second part (one word each, as in Dutch).
COMPOUND_FIRST = "nacht dag zwem fiets bad speel school melk tand buik oor boek wandel knuffel"
COMPOUND_SECOND = "lampje les tas doek plan moment ritueel kast mand hoek spel lied tijd vriend"
COMMON_WORD = "slapen"
RARE_WORD = "tandenfee"
MEDIUM_WORD = "zwemles"


# --- generating ---


def _copy(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into a model's table; `columns` are attribute names (`author_id`)."""
    from django.db import connection

    fields = {field.attname: field for field in model._meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(fields[name].column) for name in columns)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3: COPY streams without building one huge statement
        with raw.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _sequence_reset(model) -> None:
    """After COPY with explicit ids the id sequence must continue after the largest one."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _pages_ensure() -> list[int]:
    """The 200 projects and their topics (Wagtail pages, created one by one: about a minute).
    Returns the ids of the big project's topics first, then the others."""
    from community.models import Segment, SegmentRule
    from projects.models import (
        Audience,
        ProjectIndexPage,
        ProjectPage,
        ResponseMode,
        TopicPage,
    )

    index = ProjectIndexPage.objects.get()
    segment, _ = Segment.objects.get_or_create(name="Scale: Antwerpen")
    if not segment.rules.exists():
        SegmentRule.objects.create(segment=segment, criterion="province:antwerpen")
    modes = [ResponseMode.OPEN, ResponseMode.OPEN, ResponseMode.ANSWER_FIRST, ResponseMode.PRIVATE]
    for n in range(PROJECTS):
        slug = BIG_PROJECT_SLUG if n == 0 else PROJECT_SLUG.format(n=n)
        if ProjectPage.objects.filter(slug=slug).exists():
            continue
        project = ProjectPage(
            title="Groot project" if n == 0 else f"Project {n}",
            slug=slug,
            summary="Project voor de schaalbenchmark.",
            audience=Audience.SEGMENTS if n == 1 else Audience.ALL,
        )
        index.add_child(instance=project)
        project.save_revision().publish()
        topics = BIG_PROJECT_TOPICS if n == 0 else TOPICS_PER_PROJECT
        for t in range(topics):
            topic = TopicPage(
                title=f"Onderwerp {t + 1}",
                slug=f"onderwerp-{t + 1}",
                question="<p>Hoe ervaren jullie dit?</p>",
                response_mode=modes[t % len(modes)] if t < 8 else ResponseMode.OPEN,
            )
            project.add_child(instance=topic)
            topic.save_revision().publish()
        print(f"  project {n + 1}/{PROJECTS}", end="\r", flush=True)
    segment_project = ProjectPage.objects.get(slug=PROJECT_SLUG.format(n=1))
    if not segment_project.segments.exists():
        segment_project.segments.set([segment])
        segment_project.save()  # a page's many-to-many is kept in memory until it is saved
    big = ProjectPage.objects.get(slug=BIG_PROJECT_SLUG)
    big_topics = list(TopicPage.objects.child_of(big).order_by("path").values_list("pk", flat=True))
    others = list(
        TopicPage.objects.filter(path__startswith=index.path)
        .exclude(pk__in=big_topics)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    return big_topics + others


def _members_ensure() -> None:
    """100,000 members: user, verified e-mail address, current consent, a research profile."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from community.demo_content import consent_documents_seed
    from community.models import ConsentRecord, MemberProfile, User
    from community.models.consent import ConsentAction, ConsentDocument
    from community.models.profiles import FamilySituation, Province

    if User.objects.filter(email=MEMBER_EMAIL.format(n=MEMBERS - 1)).exists():
        return
    consent_documents_seed()
    documents = list(ConsentDocument.objects.filter(live=True).values_list("pk", "version"))
    first_id = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    password = make_password("scale-member-password")  # one hash: hashing 100,000 takes hours
    now = timezone.now()
    provinces = list(Province.values)
    situations = list(FamilySituation.values)
    with transaction.atomic():
        ids = range(first_id, first_id + MEMBERS)
        _copy(
            User,
            ["id", "password", "is_superuser", "first_name", "last_name", "is_staff"]
            + ["is_active", "date_joined", "email", "pseudonym", "language", "research_id"],
            (
                (pk, password, False, "", "", False, True, now, MEMBER_EMAIL.format(n=n))
                + (f"Ouder{n}", "nl", f"scale{n:011d}")
                for n, pk in enumerate(ids)
            ),
        )
        _copy(
            EmailAddress,
            ["user_id", "email", "verified", "primary"],
            ((pk, MEMBER_EMAIL.format(n=n), True, True) for n, pk in enumerate(ids)),
        )
        _copy(
            ConsentRecord,
            ["user_id", "document_id", "version", "action", "created_at"],
            (
                (pk, document, version, ConsentAction.ACCEPTED.value, now)
                for pk in ids
                for document, version in documents
            ),
        )
        _copy(
            MemberProfile,
            ["user_id", "province", "family_situation", "service_channel", "updated_at"],
            (
                (pk, provinces[pk % len(provinces)], situations[pk % len(situations)], "", now)
                for pk in ids
            ),
        )
        _sequence_reset(User)


def _post_texts(rng: random.Random) -> Iterator[str]:
    compounds = [a + b for a in COMPOUND_FIRST.split(" ") for b in COMPOUND_SECOND.split(" ")]
    while True:
        sentences = rng.sample(GENERAL_SENTENCES, rng.randint(1, 3))
        if rng.random() < 0.2:
            sentences.append(rng.choice(SLEEP_SENTENCES))
        if rng.random() < 1 / 5000:
            sentences.append(RARE_SENTENCE)
        sentences.append(f"Bij ons werkt het {rng.choice(compounds)} goed.")
        rng.shuffle(sentences)
        yield " ".join(sentences)


def _posts_ensure(topic_ids: list[int]) -> None:
    """1,000,000 posts, every tenth in the big project; about one in five a reply."""
    from django.db import transaction
    from django.utils import timezone

    from community.models import User
    from projects.models import Post, PostStatus, ProjectPage, TopicPage

    have = Post.objects.count()
    if have >= POSTS:
        return
    if have:
        raise SystemExit(f"{have} posts already, fewer than {POSTS}: use a fresh database")
    rng = random.Random(SEED)
    big_topics, other_topics = topic_ids[:BIG_PROJECT_TOPICS], topic_ids[BIG_PROJECT_TOPICS:]
    # A topic's project is its parent page: its tree path minus one step.
    project_by_path = dict(ProjectPage.objects.values_list("path", "pk"))
    project_of = {
        pk: project_by_path[path[: -TopicPage.steplen]]
        for pk, path in TopicPage.objects.filter(pk__in=topic_ids).values_list("pk", "path")
    }
    members = list(
        User.objects.filter(email__startswith="scale-member-").values_list("pk", flat=True)
    )
    recent: dict[int, list[int]] = {pk: [] for pk in topic_ids}
    texts = _post_texts(rng)
    began = timezone.now() - datetime.timedelta(days=730)
    spacing = datetime.timedelta(days=730) / POSTS
    statuses = [PostStatus.PUBLISHED.value] * 95 + [PostStatus.PENDING.value] * 3
    statuses += [PostStatus.HIDDEN.value] * 2

    def rows(start: int, stop: int) -> Iterator[tuple]:
        for n in range(start, stop):
            pk = n + 1
            topic = rng.choice(big_topics if n % BIG_PROJECT_SHARE == 0 else other_topics)
            earlier = recent[topic]
            parent = rng.choice(earlier) if earlier and rng.random() < 0.2 else None
            if parent is None:
                earlier.append(pk)
                del earlier[:-50]
            text = next(texts)
            created = began + spacing * n
            removed = created if rng.random() < 0.01 else None
            yield (
                pk,
                topic,
                project_of[topic],
                rng.choice(members),
                parent,
                text,
                f"<p>{text}</p>",
                rng.choice(statuses),
                "",
                "",
                "",
                False,
                created,
                removed,
            )

    columns = ["id", "topic_id", "project_id", "author_id", "parent_id", "text", "body"]
    columns += ["status", "held_for", "hidden_reason", "author_role", "is_probe"]
    columns += ["created_at", "removed_at"]
    for start in range(0, POSTS, BATCH):
        with transaction.atomic():
            _copy(Post, columns, rows(start, min(start + BATCH, POSTS)))
        print(f"  posts {min(start + BATCH, POSTS):,}/{POSTS:,}", end="\r", flush=True)
    _sequence_reset(Post)
    print()


def _index_entries_insert() -> None:
    """Search index entries for every post not indexed yet, in the shape Wagtail's PostgreSQL
    backend writes them (PostgresIndex.add_items): the post's text as the `body` vector with
    weight D (no boost) under the backend's search configuration, an empty title and
    autocomplete vector, title_norm 1.0, and the plain text for fuzzy search."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from projects.models import Post

    config = get_search_backend().config
    content_type = ContentType.objects.get_for_model(Post).pk
    top = Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    done = IndexEntry.objects.filter(content_type_id=content_type).count()
    if done >= Post.objects.count():
        return
    for start in range(0, top + 1, BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {IndexEntry._meta.db_table}
                    (content_type_id, object_id, title, autocomplete, body, title_norm,
                     title_text, body_text)
                SELECT %s, post.id::text, to_tsvector(''), to_tsvector(''),
                       setweight(to_tsvector(%s::regconfig, post.text), 'D'), 1.0,
                       '', post.text
                FROM {Post._meta.db_table} post
                WHERE post.id >= %s AND post.id < %s
                ON CONFLICT (content_type_id, object_id) DO NOTHING
                """,
                [content_type, config, start, start + BATCH],
            )
        print(f"  index entries up to post {min(start + BATCH, top):,}", end="\r", flush=True)
    print()


def generate(arguments: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--no-input", verbosity=0)
    began = time.perf_counter()
    topic_ids = _pages_ensure()
    print(f"pages: {time.perf_counter() - began:.1f} s")
    for label, stage in [
        ("members", _members_ensure),
        ("posts", lambda: _posts_ensure(topic_ids)),
        ("index entries", _index_entries_insert),
    ]:
        began = time.perf_counter()
        stage()
        print(f"{label}: {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        # Fresh statistics for the planner, as autovacuum keeps them in production; the
        # visibility map lets index-only scans skip the heap.
        cursor.execute("VACUUM ANALYZE")
    print(f"vacuum analyze: {time.perf_counter() - began:.1f} s")


# --- measuring ---


ONLY: list[str] = []  # --only: measure just the cases whose label holds one of these


def _run(label: str, action: Callable[[], object], runs: int) -> None:
    """Print the median of `runs` warm runs, then the queries and peak memory of one more.
    With runs=0 (heavy work: a whole audience, a whole project) one cold run gives all three,
    its time inflated a little by tracing the memory."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if ONLY and not any(part in label for part in ONLY):
        return
    try:
        seconds = []
        if runs:
            action()  # warm: per-process caches, the database's buffers
            for _ in range(runs):
                began = time.perf_counter()
                action()
                seconds.append(time.perf_counter() - began)
        tracemalloc.start()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            outcome = action()
        seconds = seconds or [time.perf_counter() - began]
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    except Exception as error:  # noqa: BLE001 (a missing part must not stop the others)
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        print(f"{label:<46} not measured: {type(error).__name__}: {error}".rstrip())
        return
    slowest = max((float(query["time"]) for query in queries.captured_queries), default=0.0)
    extra = f"  → {outcome}" if outcome is not None else ""
    print(
        f"{label:<46} {statistics.median(seconds) * 1000:8.0f} ms"
        f" {len(queries):4d} queries (slowest {slowest * 1000:.0f} ms)"
        f" {peak / 2**20:7.1f} MiB{extra}"
    )


def _rolled_back(action: Callable[[], object]) -> Callable[[], object]:
    """The action inside a transaction that is always rolled back: the database stays as
    generated, and every run measures the same work."""

    def run() -> object:
        from django.db import transaction

        with transaction.atomic():
            outcome = action()
            transaction.set_rollback(True)
        return outcome

    return run


def _researcher():
    from community.models import Role, User
    from tests.community.factories import UserFactory

    researcher = User.objects.filter(email=RESEARCHER_EMAIL).first()
    if researcher is None:
        researcher = UserFactory(email=RESEARCHER_EMAIL, roles=[Role.RESEARCHER])
    return researcher


def _staff_client():
    """A test client signed in as a researcher who passed the second factor."""
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from tests.community.factories import TEST_PASSWORD, totp_activate, totp_code

    researcher = _researcher()
    Authenticator.objects.filter(user=researcher).delete()
    secret = totp_activate(researcher)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.post("/accounts/login/", {"login": researcher.email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    return client


def _get(client, url: str, data: dict | None = None) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url, data or {})
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return f"{len(response.content) // 1024} KiB of HTML"

    return run


def measure(arguments: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from community.models import User
    from projects.models import Post, ProjectIndexPage, ProjectPage, TopicPage

    # Migrations other parts of the issue add since the data was generated; the production
    # settings serve static files from a manifest, which collectstatic writes.
    call_command("migrate", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    big = ProjectPage.objects.filter(slug=BIG_PROJECT_SLUG).first()
    if big is None:
        raise SystemExit("no generated data: run `bench/scale.py generate` first")
    runs = arguments.runs
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_post")
        posts = cursor.fetchone()[0]
    print(f"{posts:,} posts, {big.posts.count():,} in the big project; median of {runs} runs")
    member = User.objects.get(email=MEMBER_EMAIL.format(n=1))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(member)
    search = reverse("project_search", args=[big.pk])
    for word in [COMMON_WORD, MEDIUM_WORD, RARE_WORD]:
        _run(f"member search '{word}' page 1", _get(client, search, {"q": word}), runs)
    _run(
        f"member search '{COMMON_WORD}' page 5",
        _get(client, search, {"q": COMMON_WORD, "page": 5}),
        runs,
    )
    staff = _staff_client()
    admin_search = "/admin/projects/posts/search/"
    for word in [COMMON_WORD, MEDIUM_WORD, RARE_WORD]:
        _run(f"staff search '{word}', all posts", _get(staff, admin_search, {"q": word}), runs)
    _run(
        f"staff search '{COMMON_WORD}', big project",
        _get(staff, admin_search, {"q": COMMON_WORD, "project": big.pk}),
        runs,
    )
    _run("project index page", _get(client, ProjectIndexPage.objects.get().url), runs)
    topic = TopicPage.objects.child_of(big).order_by("path").first()
    _run(
        f"topic page ({Post.objects.filter(topic=topic).count():,} posts)",
        _get(client, topic.url),
        runs,
    )

    def audience_count() -> int:
        from projects.services.topic_notifications import project_audience_members

        return project_audience_members(big).count()

    _run("count the big project's audience", audience_count, runs)
    segment_project = ProjectPage.objects.get(slug=PROJECT_SLUG.format(n=1))

    def segment_audience_count() -> int:
        from projects.services.topic_notifications import project_audience_members

        return project_audience_members(segment_project).count()

    _run("count a segment project's audience", segment_audience_count, runs)

    def invite() -> int:
        from projects.services.invitations import project_audience_invite

        researcher = _researcher()
        researcher.second_factor_passed = True  # as after the second factor in the admin
        return project_audience_invite(project=big, invited_by=researcher)

    _run("invite the big project's audience (rolled back)", _rolled_back(invite), 0)

    def export() -> int:
        from projects.services.export import export_csv_lines, export_rows

        return sum(len(line) for line in export_csv_lines(export_rows(project=big)))

    _run("export the big project (CSV characters)", export, 0)

    def digests() -> int:
        from community.models import Notification, NotificationKind
        from community.tasks import notification_digests_enqueue
        from projects.services.topic_notifications import project_audience_members

        # Setup, inside the rolled-back transaction: a reply notification for everyone, due
        # in the daily digest, in bulk (its cost is in the line's time, not in "enqueue").
        members = project_audience_members(big).values_list("pk", flat=True)
        Notification.objects.bulk_create(
            (
                Notification(
                    recipient_id=member_id,
                    kind=NotificationKind.REPLY,
                    params={"title": {"nl": "Schaal", "en": "Scale"}},
                    url=big.dutch_path,
                )
                for member_id in members.iterator(chunk_size=BATCH)
            ),
            batch_size=5_000,
        )
        began = time.perf_counter()
        queued = notification_digests_enqueue.call("daily")
        print(f"    the enqueue alone: {time.perf_counter() - began:.2f} s for {queued} members")
        return queued

    _run(
        "enqueue the daily digests (incl. 100k notifications in bulk, rolled back)",
        _rolled_back(digests),
        0,
    )


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["generate", "measure"])
    parser.add_argument("--database", default="mtp_scale", help="PostgreSQL database name")
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL)
    parser.add_argument("--runs", type=int, default=5, help="timed warm runs per case")
    parser.add_argument("--members", type=int, default=MEMBERS, help="for a quick trial only")
    parser.add_argument("--projects", type=int, default=PROJECTS, help="for a quick trial only")
    parser.add_argument("--posts", type=int, default=POSTS, help="for a quick trial only")
    parser.add_argument("--only", nargs="*", default=[], help="cases whose label holds this")
    arguments = parser.parse_args()
    ONLY.extend(arguments.only)
    globals().update(MEMBERS=arguments.members, PROJECTS=arguments.projects)
    globals().update(POSTS=arguments.posts, BATCH=min(BATCH, arguments.posts))
    os.environ.update(bench_environment(database_url(arguments.database), arguments.cache_url))
    if arguments.action == "generate":
        database_ensure(database_url(arguments.database))
    import django

    django.setup()
    (generate if arguments.action == "generate" else measure)(arguments)


if __name__ == "__main__":
    main()
