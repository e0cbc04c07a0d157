"""Benchmark of issue 14's exports as background jobs: time and peak memory of writing a
project of 100,000 published posts as CSV and as XLSX. Target: under 200 MB peak RSS.

Run by hand (it is not a test):

    .venv/bin/python bench/export.py
    .venv/bin/python bench/export.py --posts 100000 --authors 300 \
        --database-url postgres://postgres@127.0.0.1:5432/meettheparents_bench_export

It creates the PostgreSQL database when missing (it never drops one), migrates it with the
production settings, seeds one project with one topic of `--posts` posts by `--authors`
parents with profiles (children, home languages; bulk_create in batches, reused on the next
run), then runs the export job (insights.services.exports.export_job_write, as the task
worker does) once per format, each in a fresh process, and prints the wall time, the rows
and file size, and the process's peak resident memory (`ru_maxrss`) next to its memory
after Django was set up (the baseline every worker pays anyway).
"""
# ruff: noqa: T201

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.thread import PYTHON, bench_environment, database_ensure, manage  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meettheparents_bench_export"
DEFAULT_EXPORTS_ROOT = "/tmp/meettheparents-bench-exports"
PROJECT_SLUG = "bench-export"
TARGET_MB = 200
BATCH = 5000


# --- seeding and the export (run in a child process with Django set up) ---


def seed(posts: int, authors: int) -> dict:
    """One project, one topic, `posts` published posts by `authors` parents with profiles."""
    import django

    django.setup()
    from django.db import transaction

    from community.models import Child, HomeLanguage, MemberProfile, Province, User
    from community.models.profiles import month_start, months_added
    from projects.models import Post, ProjectIndexPage, ProjectPage, Reaction, TopicPage
    from projects.post_text import post_text_render

    with transaction.atomic():
        project = ProjectPage.objects.filter(slug=PROJECT_SLUG).first()
        if project is None:
            project = ProjectPage(title="Benchmark: export", slug=PROJECT_SLUG, summary="Meten.")
            ProjectIndexPage.objects.get().add_child(instance=project)
            project.save_revision().publish()
        topic = TopicPage.objects.child_of(project).first()
        if topic is None:
            topic = TopicPage(title="Onderwerp", slug="onderwerp", question="<p>Vraag?</p>")
            project.add_child(instance=topic)
            topic.save_revision().publish()

        people = list(User.objects.filter(email__startswith="bench-export-").order_by("pk"))
        if len(people) < authors:
            new = User.objects.bulk_create(
                User(email=f"bench-export-{n}@example.org", pseudonym=f"Exportouder {n}")
                for n in range(len(people), authors)
            )
            provinces = list(Province.values)
            profiles = MemberProfile.objects.bulk_create(
                MemberProfile(user=user, province=provinces[user.pk % len(provinces)])
                for user in new
            )
            Child.objects.bulk_create(
                Child(profile=profile, month=months_added(month_start(), -(n % 40) - 1))
                for n, profile in enumerate(profiles)
            )
            HomeLanguage.objects.bulk_create(
                HomeLanguage(profile=profile, language=("nl", "fr", "ar")[n % 3])
                for n, profile in enumerate(profiles)
            )
            people += new

    have = Post.objects.filter(project=project).count()
    text = "De eerste week was **druk** maar fijn.\n\n- slapen\n- voeden\n- knuffelen"
    body = post_text_render(text)
    for start in range(have, posts, BATCH):
        with transaction.atomic():
            created = Post.objects.bulk_create(
                Post(
                    topic=topic,
                    project=project,
                    author=people[n % len(people)],
                    text=f"{text} ({n})",
                    body=body,
                )
                for n in range(start, min(start + BATCH, posts))
            )
            Reaction.objects.bulk_create(
                (
                    Reaction(post=post, user=people[(n * 7 + 3) % len(people)])
                    for n, post in enumerate(created)
                    if n % 3 == 0 and people[(n * 7 + 3) % len(people)].pk != post.author_id
                ),
                ignore_conflicts=True,
            )
    return {"project": project.pk, "posts": Post.objects.filter(project=project).count()}


def export(file_format: str) -> dict:
    """Run one export job of the seeded project as the task worker does; time and memory."""
    import resource
    import time

    import django

    django.setup()
    from community.models import User
    from insights.models import ExportJob
    from insights.services.exports import export_job_write
    from projects.models import ProjectPage

    requester = User.objects.get_or_create(email="bench-export-researcher@example.org")[0]
    project = ProjectPage.objects.get(slug=PROJECT_SLUG)
    job = ExportJob.objects.create(
        requested_by=requester, project=project, kind="posts", file_format=file_format
    )
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    job = export_job_write(job_id=job.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = job.file_path.stat().st_size if job.file_path else 0
    return {
        "format": file_format,
        "status": job.status,
        "rows": job.rows_written,
        "seconds": round(seconds, 1),
        "file_mb": round(size / 1024 / 1024, 1),
        "baseline_mb": round(baseline / 1024, 1),
        "peak_mb": round(peak / 1024, 1),
    }


# --- orchestration (no Django in this process) ---


def child(env: dict[str, str], *arguments: str) -> dict:
    output = subprocess.run(
        [PYTHON, str(Path(__file__)), *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--exports-root", default=DEFAULT_EXPORTS_ROOT)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--authors", type=int, default=300)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--export-only", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.seed_only:
        print(json.dumps(seed(arguments.posts, arguments.authors)))
        return
    if arguments.export_only:
        print(json.dumps(export(arguments.export_only)))
        return

    env = {
        **bench_environment(arguments.database_url, "locmemcache://"),
        "EXPORTS_ROOT": arguments.exports_root,
    }
    # Production refuses an in-process cache; the export needs none shared, a file cache will do.
    env["CACHE_URL"] = "filecache:///tmp/meettheparents-bench-cache"
    database_ensure(arguments.database_url)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    seeded = child(
        env, "--seed-only", "--posts", str(arguments.posts), "--authors", str(arguments.authors)
    )
    print(
        f"project {seeded['project']} with {seeded['posts']} posts by {arguments.authors} parents"
    )
    worst = 0.0
    for file_format in arguments.formats.split(","):
        result = child(env, "--export-only", file_format)
        worst = max(worst, result["peak_mb"])
        print(
            f"{result['format']:<5} {result['status']:<5} {result['rows']:7d} rows  "
            f"{result['seconds']:6.1f} s  file {result['file_mb']:6.1f} MB  "
            f"peak RSS {result['peak_mb']:6.1f} MB (after setup {result['baseline_mb']:.1f} MB)"
        )
    verdict = "meets" if worst < TARGET_MB else "misses"
    print(f"peak RSS {worst:.1f} MB: {verdict} the {TARGET_MB} MB goal")


if __name__ == "__main__":
    main()
