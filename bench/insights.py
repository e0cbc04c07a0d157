"""Benchmark of issue 12's two targets, run by hand (it is not a test):

1. `results`: the public "Jullie zeiden, wij deden" page, served by gunicorn with the
   production settings, loaded with wrk (a C load generator: a Python client saturates
   before gunicorn does) next to the bare JSON view on the same server in the same run.
   Target: the results page serves at least 30 % of the bare view's requests per second.
2. `analysis`: the project analysis view of a project with 100,000 excerpts by 5,000
   parents, requested by a researcher signed in with both factors. Target: under 1 s on
   PostgreSQL.

    .venv/bin/python bench/insights.py results --cache-url redis://127.0.0.1:6379/9
    .venv/bin/python bench/insights.py analysis --excerpts 100000 --parents 5000

Both create the PostgreSQL database `meettheparents_bench` when missing (never dropping
one), migrate it and seed what they need once (reused on later runs). wrk comes from
Debian's package (`apt-get install wrk`).
"""
# ruff: noqa: T201

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.thread import (  # noqa: E402
    BARE_PATH,
    DEFAULT_CACHE_URL,
    DEFAULT_DATABASE_URL,
    PYTHON,
    bench_environment,
    database_ensure,
    manage,
    wait_until_up,
)

RESULTS_TARGET = 0.30
ANALYSIS_TARGET_SECONDS = 1.0
PROJECT_SLUG = "bench-insights"
UPDATES = 30


# --- seeding and timing (run in a child process with Django set up) ---


def _project():
    from projects.models import ProjectIndexPage, ProjectPage, TopicPage

    project = ProjectPage.objects.filter(slug=PROJECT_SLUG).first()
    if project is None:
        project = ProjectPage(
            title="Benchmark: inzichten", slug=PROJECT_SLUG, summary="Benchmark-project."
        )
        ProjectIndexPage.objects.get().add_child(instance=project)
        project.save_revision().publish()
    topic = TopicPage.objects.child_of(project).first()
    if topic is None:
        topic = TopicPage(title="Onderwerp", slug="onderwerp", question="<p>Vraag?</p>")
        project.add_child(instance=topic)
        topic.save_revision().publish()
    return project, topic


def seed_results() -> dict:
    """UPDATES published updates of accepted insights: the public page's content."""
    from django.urls import reverse
    from django.utils import timezone

    from insights.models import Insight, InsightStatus, PublicUpdate, UpdateStatus

    project, _topic = _project()
    missing = UPDATES - PublicUpdate.objects.filter(insight__projects=project).count()
    for number in range(max(missing, 0)):
        insight = Insight.objects.create(
            title=f"Inzicht {number}",
            finding="Ouders willen sneller een afspraak.",
            status=InsightStatus.ACCEPTED,
        )
        insight.projects.set([project])
        PublicUpdate.objects.create(
            insight=insight,
            title=f"Sneller een afspraak ({number})",
            parents_said="Jullie vertelden dat het lang duurt voor je een afspraak hebt.",
            we_do="We openen extra consultatiemomenten op zaterdag.",
            status=UpdateStatus.PUBLISHED,
            parent_count=12,
            published_at=timezone.now(),
        )
    return {"results_path": reverse("update_list")}


def seed_analysis(excerpts: int, parents: int) -> dict:
    """A project with `excerpts` coded excerpts of posts by `parents` parents."""
    from community.models import User
    from insights.models import Code, Coding, Excerpt
    from projects.models import Post

    project, topic = _project()
    have = Excerpt.objects.filter(project=project).count()
    if have < excerpts:
        authors = list(User.objects.filter(email__startswith="bench-parent-").order_by("pk"))
        authors += User.objects.bulk_create(
            User(email=f"bench-parent-{n}@example.org", pseudonym=f"Bench {n}")
            for n in range(len(authors), parents)
        )
        codes = [
            Code.objects.get_or_create(name=f"Bench-code {n}", project=project)[0]
            for n in range(20)
        ]
        coder = User.objects.get_or_create(email="bench-coder@example.org")[0]
        for batch_start in range(have, excerpts, 5000):
            batch = range(batch_start, min(batch_start + 5000, excerpts))
            posts = Post.objects.bulk_create(
                Post(
                    topic=topic,
                    project=project,
                    author=authors[n % len(authors)],
                    text=f"Bijdrage {n} over slapen en voeding.",
                    body=f"<p>Bijdrage {n} over slapen en voeding.</p>",
                )
                for n in batch
            )
            new = Excerpt.objects.bulk_create(
                Excerpt(
                    post=post,
                    topic=topic,
                    project=project,
                    author=post.author,
                    author_key=post.author.research_id,
                    quote=post.text,
                    start=0,
                    end=len(post.text),
                    coder=coder,
                )
                for post in posts
            )
            Coding.objects.bulk_create(
                Coding(excerpt=excerpt, code=codes[(excerpt.pk * 7 + k) % len(codes)], coder=coder)
                for excerpt in new
                for k in range(1 + excerpt.pk % 2)
            )
        # Fresh statistics for the planner, as autovacuum keeps them in production: right
        # after a bulk insert it still believes the tables are nearly empty.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"project": project.pk, "excerpts": Excerpt.objects.filter(project=project).count()}


def time_analysis(project_id: int, runs: int) -> dict:
    """The analysis view through the full stack, for a researcher with both factors."""
    from django.test import Client
    from django.urls import reverse

    from community.models import Role, User
    from tests.community.factories import TEST_PASSWORD, UserFactory, totp_activate, totp_code

    researcher = User.objects.filter(email="bench-researcher@example.org").first()
    if researcher is None:
        researcher = UserFactory(email="bench-researcher@example.org", roles=[Role.RESEARCHER])
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=researcher).delete()
    secret = totp_activate(researcher)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.post("/accounts/login/", {"login": researcher.email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    url = reverse("insights_admin_analysis", args=[project_id])
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"the analysis view answered {response.status_code}: {url}")
    return {"url": url, "seconds": seconds}


# --- orchestration ---


def child(env: dict[str, str], *arguments: str) -> dict:
    """Run this script's Django part in a child process; its last line is JSON."""
    output = subprocess.run(
        [PYTHON, str(Path(__file__)), "--child", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def wrk(port: int, path: str, seconds: int, connections: int) -> float:
    """Requests per second from wrk (2 threads), as an HTTPS proxy would forward them."""
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            "X-Forwarded-Proto: https",
            "-H",
            "Host: 127.0.0.1",
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"{path} answered errors under load:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def results(arguments: argparse.Namespace, env: dict[str, str]) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    seeded = child(env, "seed-results")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{arguments.port}",
            "--workers",
            str(arguments.workers),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(arguments.port)
        rates = {}
        for name, path in (("bare JSON", BARE_PATH), ("results page", seeded["results_path"])):
            wrk(arguments.port, path, 2, arguments.connections)  # warm every worker
            rates[name] = wrk(arguments.port, path, arguments.seconds, arguments.connections)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, rate in rates.items():
        print(f"{name:<13} {rate:8.1f} req/s")
    ratio = rates["results page"] / rates["bare JSON"]
    verdict = "meets" if ratio >= RESULTS_TARGET else "misses"
    print(f"ratio         {ratio:8.1%}  ({verdict} the {RESULTS_TARGET:.0%} goal)")


def analysis(arguments: argparse.Namespace, env: dict[str, str]) -> None:
    seeded = child(env, "seed-analysis", str(arguments.excerpts), str(arguments.parents))
    timed = child(env, "time-analysis", str(seeded["project"]), str(arguments.runs))
    seconds = sorted(timed["seconds"])
    median = seconds[len(seconds) // 2]
    verdict = "meets" if median < ANALYSIS_TARGET_SECONDS else "misses"
    print(f"analysis of {seeded['excerpts']} excerpts: {timed['url']}")
    print(f"runs {', '.join(f'{s:.3f}' for s in timed['seconds'])} s")
    print(f"median {median:.3f} s ({verdict} the {ANALYSIS_TARGET_SECONDS:g} s goal)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        import django

        django.setup()
        task, *rest = sys.argv[2:]
        if task == "seed-results":
            print(json.dumps(seed_results()))
        elif task == "seed-analysis":
            print(json.dumps(seed_analysis(int(rest[0]), int(rest[1]))))
        else:
            print(json.dumps(time_analysis(int(rest[0]), int(rest[1]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=["results", "analysis"])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL)
    parser.add_argument("--seconds", type=int, default=15, help="wrk load per address")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--excerpts", type=int, default=100_000)
    parser.add_argument("--parents", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    env = bench_environment(arguments.database_url, arguments.cache_url)
    database_ensure(arguments.database_url)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    (results if arguments.target == "results" else analysis)(arguments, env)


if __name__ == "__main__":
    main()
