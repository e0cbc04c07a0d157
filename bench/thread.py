"""Benchmark: a topic page with 500 posts, served by gunicorn against PostgreSQL, measured as
requests per second next to a bare JSON view on the same server in the same run.

Run by hand (it is not a test):

    .venv/bin/python bench/thread.py
    .venv/bin/python bench/thread.py --database-url postgres://postgres@127.0.0.1:5432/mtp_bench \
        --posts 500 --seconds 15 --concurrency 4 --workers 2

It creates the database when it is missing (it never drops one), migrates it, seeds one
project with one open topic of 500 posts by 50 parents (reused on the next run), logs a
parent in (a real session in the database), collects the static files, starts gunicorn with
the production settings (DEBUG off, WhiteNoise, secure cookies behind an HTTPS proxy header)
plus one bare JSON view (bench/settings.py, bench/urls.py), then loads each address in turn
with a pool of threads on keep-alive `http.client` connections and prints requests per
second, latencies and the ratio. Target: the topic page reaches at least 20 % of the bare view.

Two more yardsticks show where the time goes: the bare view for the logged-in parent (what
loading the session and the user costs) and an empty topic of the same project (the page
around the thread: routing, layout, forms).
"""
# ruff: noqa: T201

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meettheparents_bench"
# Production refuses a per-process cache; a file cache is shared by the workers and needs no
# server. Production runs Redis: pass --cache-url redis://127.0.0.1:6379/9 to measure with it.
DEFAULT_CACHE_URL = "filecache:///tmp/meettheparents-bench-cache"
BARE_PATH = "/bench/json"
TARGET_RATIO = 0.20
PROJECT_SLUG = "bench-project"
TOPIC_SLUG = "bench-thread"
EMPTY_TOPIC_SLUG = "bench-empty"
AUTHORS = 50
READER_EMAIL = "bench-reader@example.org"


# --- seeding (runs in a child process with Django set up) ---


def seed(posts: int) -> dict:
    """Create (or reuse) the project, the topic, its posts and a logged-in parent."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from community.demo_content import consent_documents_seed
    from community.models import User
    from community.services.accounts import user_create
    from community.services.consent import consent_accept, consent_documents_to_accept
    from community.services.pseudonyms import member_pseudonym_set
    from projects.models import Post, ProjectIndexPage, ProjectPage, Reaction, TopicPage
    from projects.post_text import post_text_render

    def topic_ensure(project, slug: str, title: str, question: str) -> TopicPage:
        topic = TopicPage.objects.child_of(project).filter(slug=slug).first()
        if topic is None:
            topic = TopicPage(title=title, slug=slug, question=f"<p>{question}</p>")
            project.add_child(instance=topic)
            topic.save_revision().publish()
        return topic

    def parent(email: str, pseudonym: str) -> User:
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=None, email_verified=True
        )
        if not user.pseudonym:
            member_pseudonym_set(user=user, pseudonym=pseudonym)
        consent_accept(user=user, documents=consent_documents_to_accept(user=user))
        return user

    with transaction.atomic():
        consent_documents_seed()
        project = ProjectPage.objects.filter(slug=PROJECT_SLUG).first()
        if project is None:
            project = ProjectPage(
                title="Benchmark", slug=PROJECT_SLUG, summary="Een project om te meten."
            )
            ProjectIndexPage.objects.get().add_child(instance=project)
            project.save_revision().publish()
        topic = topic_ensure(project, TOPIC_SLUG, "Een lange draad", "Hoe ging de eerste week?")
        empty_topic = topic_ensure(
            project, EMPTY_TOPIC_SLUG, "Nog geen antwoorden", "Wat wil je nog kwijt?"
        )
        authors = [parent(f"bench-{n}@example.org", f"Bankouder {n}") for n in range(AUTHORS)]
        reader = parent(READER_EMAIL, "Lezer op de bank")

        missing = posts - Post.objects.filter(topic=topic).count()
        if missing > 0:
            # Four answers for every reply, as in a lively discussion.
            answer_count = missing - missing // 5
            text = "De eerste week was **druk** maar fijn.\n\n- slapen\n- voeden\n- knuffelen"
            body = post_text_render(text)
            answers = Post.objects.bulk_create(
                Post(
                    topic=topic,
                    project=project,
                    author=authors[n % AUTHORS],
                    text=f"{text} ({n})",
                    body=body,
                )
                for n in range(answer_count)
            )
            Post.objects.bulk_create(
                Post(
                    topic=topic,
                    project=project,
                    author=authors[(n + 7) % AUTHORS],
                    parent=answers[n % len(answers)],
                    text="Herkenbaar, bij ons ook.",
                    body=post_text_render("Herkenbaar, bij ons ook."),
                )
                for n in range(missing - answer_count)
            )
            Reaction.objects.bulk_create(
                (
                    Reaction(post=answer, user=authors[(n * 3 + 1) % AUTHORS])
                    for n, answer in enumerate(answers)
                    if authors[(n * 3 + 1) % AUTHORS].pk != answer.author_id
                ),
                ignore_conflicts=True,
            )

    client = Client()
    client.force_login(reader)
    cookie_name = settings.SESSION_COOKIE_NAME
    return {
        "topic_path": topic.url,
        "empty_topic_path": empty_topic.url,
        "posts": Post.objects.filter(topic=topic).count(),
        "cookie": f"{cookie_name}={client.cookies[cookie_name].value}",
    }


# --- orchestration (no Django in this process) ---


def bench_environment(database_url: str, cache_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": cache_url,
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def database_ensure(database_url: str) -> None:
    """Create the benchmark database when it does not exist; never drop or empty one."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", BARE_PATH, headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def latency_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load(port: int, path: str, headers: dict[str, str], seconds: float, threads: int) -> LoadResult:
    """Each thread sends requests one after another on its own connection until time is up."""
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> tuple[list[float], int]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies: list[float] = []
        errors = 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            if response.status != 200:
                errors += 1
            if response.will_close:
                connection.close()
        connection.close()
        return latencies, errors

    with ThreadPoolExecutor(threads) as pool:
        results = [future.result() for future in [pool.submit(worker) for _ in range(threads)]]
    elapsed = time.perf_counter() - start
    latencies = [latency for result in results for latency in result[0]]
    return LoadResult(
        requests=len(latencies),
        errors=sum(result[1] for result in results),
        seconds=elapsed,
        latencies=latencies,
    )


def topic_page_check(port: int, path: str, headers: dict[str, str]) -> int:
    """The page answers 200 to the logged-in parent and shows posts; returns how many."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"the topic page answered {response.status}, not 200: {path}")
    shown = len(re.findall(r'id="post-\d+"', body))
    if not shown:
        raise SystemExit("the topic page shows no posts: is the parent logged in?")
    return shown


def report(name: str, result: LoadResult) -> None:
    print(
        f"{name:<12} {result.per_second:8.1f} req/s  {result.requests:6d} requests  "
        f"{result.errors} errors  median {statistics.median(result.latencies) * 1000:6.1f} ms  "
        f"p95 {result.latency_ms(0.95):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=15.0, help="load per address")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.seed_only:  # the child process that talks to Django
        print(json.dumps(seed(arguments.posts)))
        return

    env = bench_environment(arguments.database_url, arguments.cache_url)
    database_ensure(arguments.database_url)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    seeded = json.loads(
        subprocess.run(
            [
                PYTHON,
                str(Path(__file__)),
                "--seed-only",
                "--posts",
                str(arguments.posts),
                "--cache-url",
                arguments.cache_url,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{arguments.port}",
            "--workers",
            str(arguments.workers),
            "--chdir",
            str(ROOT),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(arguments.port)
        # Behind the HTTPS proxy, as in production (SECURE_PROXY_SSL_HEADER).
        bare_headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        topic_headers = {**bare_headers, "Cookie": seeded["cookie"]}
        shown = topic_page_check(arguments.port, seeded["topic_path"], topic_headers)
        runs = {}
        for name, path, headers in (
            ("bare JSON", BARE_PATH, bare_headers),
            # The same view for the logged-in parent: loading the session and the user.
            ("bare + login", BARE_PATH, topic_headers),
            # A topic of the same project without posts: the page around the thread.
            ("empty topic", seeded["empty_topic_path"], topic_headers),
            ("topic page", seeded["topic_path"], topic_headers),
        ):
            # Warm up: imports, connections, template and page caches in every worker.
            load(arguments.port, path, headers, 2, arguments.concurrency)
            runs[name] = load(
                arguments.port, path, headers, arguments.seconds, arguments.concurrency
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"topic {seeded['topic_path']} with {seeded['posts']} posts ({shown} on its first page); "
        f"gunicorn {arguments.workers} workers, {arguments.concurrency} client threads, "
        f"{arguments.seconds:g} s per address, cache {arguments.cache_url}"
    )
    for name, result in runs.items():
        report(name, result)
    topic = runs["topic page"]
    for name in ("bare + login", "empty topic"):
        print(f"{'vs ' + name:<12} {topic.per_second / runs[name].per_second:8.1%}")
    ratio = topic.per_second / runs["bare JSON"].per_second
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"ratio        {ratio:8.1%}  (topic / bare JSON: {verdict} the {TARGET_RATIO:.0%} goal)")
    if any(result.errors for result in runs.values()):
        raise SystemExit("some requests failed: the numbers are not trustworthy")


if __name__ == "__main__":
    main()
