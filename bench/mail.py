"""Benchmark: inviting a project's audience of N members, sent by one task worker to a local
SMTP sink, measured as mails per second, with duplicates and missing recipients counted.

Run by hand (it is not a test):

    .venv/bin/python bench/mail.py                      # 5,000 members
    .venv/bin/python bench/mail.py --members 100000
    .venv/bin/python bench/mail.py --kill-after 3       # SIGKILL the worker mid-batch, then
                                                        # re-queue its task and finish

It creates the PostgreSQL database `meettheparents_bench_mail` when missing (never dropping
one), migrates it and seeds the members once (reused and topped up on later runs): verified
address, pseudonym, current consent, half of them reading Dutch and half English. Each run
makes a new project, so everyone is invited again, and starts the invitation through the
real service code (community.services.broadcasts, the invitation's audience) with one
`manage.py db_worker` against the production settings (bench.settings) and EMAIL_URL
pointing at the sink below. The sink speaks just enough SMTP (EHLO, MAIL, RCPT, DATA, RSET,
QUIT) and counts finished messages per recipient; a message whose connection drops before
the final dot is dropped, as a real server does.
"""
# ruff: noqa: T201

import argparse
import json
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.thread import PYTHON, bench_environment, database_ensure, manage  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/meettheparents_bench_mail"
DEFAULT_CACHE_URL = "filecache:///tmp/meettheparents-bench-mail-cache"
EMAIL_PATTERN = "bench-mail-{}@example.org"


# --- the SMTP sink ---


class SMTPSink:
    """A threaded SMTP server on 127.0.0.1 that keeps nothing but counts: finished messages
    per recipient, and messages dropped before their final dot."""

    def __init__(self, port: int = 0, refuse: frozenset[str] = frozenset()) -> None:
        sink = self
        self.refuse = refuse  # recipients whose finished message gets 451 (for tests)
        self.received: Counter[str] = Counter()
        self.dropped = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self._lock = threading.Lock()

        class Handler(socketserver.StreamRequestHandler):
            disable_nagle_algorithm = True

            def handle(self) -> None:
                sink._session(self.rfile, self.wfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "SMTPSink":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def total(self) -> int:
        return sum(self.received.values())

    def _session(self, rfile, wfile) -> None:
        def reply(line: str) -> None:
            wfile.write(f"{line}\r\n".encode())
            wfile.flush()

        reply("220 sink ESMTP")
        recipients: list[str] = []
        while True:
            line = rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                reply("250-sink")
                reply("250 8BITMIME")
            elif verb == "MAIL":
                recipients = []
                reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>").lower())
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                while True:
                    data = rfile.readline()
                    if not data:  # the connection dropped before the dot: nothing delivered
                        with self._lock:
                            self.dropped += 1
                        return
                    if data == b".\r\n":
                        break
                if self.refuse & set(recipients):
                    recipients = []
                    reply("451 Try again later")
                    continue
                now = time.perf_counter()
                with self._lock:
                    self.received.update(recipients)
                    self.first_at = self.first_at or now
                    self.last_at = now
                recipients = []
                reply("250 OK queued")
            elif verb == "RSET":
                recipients = []
                reply("250 OK")
            elif verb == "NOOP":
                reply("250 OK")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")


# --- seeding and reporting (run in a child process with Django set up) ---


def seed(members: int) -> dict:
    """Top the members up to `members`, make a new project and queue its invitation."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from community.demo_content import consent_documents_seed
    from community.models import Broadcast, ConsentDocument, ConsentRecord, NotificationKind, User
    from community.models.consent import ConsentAction
    from community.services.broadcasts import broadcast_start
    from projects.models import ProjectIndexPage, ProjectPage
    from projects.services.invitations import project_invitation_audience

    # Only this run's work in the queue: what earlier, interrupted runs left would mail the
    # same members and count as duplicates.
    DBTaskResult.objects.exclude(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    ).delete()
    Broadcast.objects.filter(status__in=["queued", "running"]).update(status="failed")
    consent_documents_seed()
    documents = list(ConsentDocument.objects.filter(live=True))
    existing = User.objects.filter(email__startswith="bench-mail-").count()
    for start in range(existing, members, 5000):
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(
                    email=EMAIL_PATTERN.format(n),
                    pseudonym=f"Bankouder {n}",
                    language="nl" if n % 2 else "en",
                    password="!",
                )
                for n in range(start, min(start + 5000, members))
            )
            EmailAddress.objects.bulk_create(
                EmailAddress(user=user, email=user.email, primary=True, verified=True)
                for user in users
            )
            ConsentRecord.objects.bulk_create(
                ConsentRecord(
                    user=user,
                    document=document,
                    version=document.version,
                    action=ConsentAction.ACCEPTED,
                )
                for user in users
                for document in documents
            )
    with transaction.atomic():
        stamp = time.strftime("%Y%m%d%H%M%S")
        project = ProjectPage(
            title=f"Benchmark mail {stamp}", slug=f"bench-mail-{stamp}", summary="Meten."
        )
        ProjectIndexPage.objects.get().add_child(instance=project)
        project.save_revision().publish()
        audience = User.objects.members().filter(email__startswith="bench-mail-").count()
        broadcast = broadcast_start(
            kind=NotificationKind.PROJECT_INVITATION,
            audience=project_invitation_audience,
            target_id=project.pk,
            title={"nl": project.title, "en": project.title},
            url=project.dutch_path,
        )
    assert Broadcast.objects.filter(pk=broadcast.pk).exists()
    return {"broadcast": broadcast.pk, "audience": audience}


def report(broadcast_id: int) -> dict:
    import django

    django.setup()
    from community.models import Broadcast
    from community.services.broadcasts import broadcasts_with_progress

    broadcast = broadcasts_with_progress().get(pk=broadcast_id)
    finished = broadcast.finished_at.timestamp() if broadcast.finished_at else None
    created = Broadcast.objects.get(pk=broadcast_id).created_at.timestamp()
    return {
        "status": broadcast.status,
        "total": broadcast.total,
        "notified": broadcast.notified,
        "mailed": broadcast.mailed,
        "seconds": (finished - created) if finished else None,
    }


def requeue_running() -> int:
    """Put the killed worker's task back in the queue, as an operator (or a worker that
    re-queues stuck tasks) would."""
    import django

    django.setup()
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )


# --- orchestration ---


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


def worker_start(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--kill-after", type=float, help="SIGKILL the worker after N seconds")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--requeue", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.seed is not None:  # the child processes that talk to Django
        print(json.dumps(seed(arguments.seed)))
        return
    if arguments.report is not None:
        print(json.dumps(report(arguments.report)))
        return
    if arguments.requeue:
        print(json.dumps(requeue_running()))
        return

    with SMTPSink() as sink:
        env = {
            **bench_environment(arguments.database_url, arguments.cache_url),
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "SITE_BASE_URL": "https://meettheparents.example.org",
        }
        database_ensure(arguments.database_url)
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        seeded = child(env, "--seed", str(arguments.members))
        audience, broadcast_id = seeded["audience"], seeded["broadcast"]
        print(f"broadcast {broadcast_id}: {audience} members in the audience; one worker")
        began = time.perf_counter()
        worker = worker_start(env)
        killed = False
        try:
            while sink.total < audience and time.perf_counter() - began < arguments.timeout:
                if (
                    arguments.kill_after
                    and not killed
                    and time.perf_counter() - began > arguments.kill_after
                ):
                    os.kill(worker.pid, signal.SIGKILL)
                    worker.wait()
                    killed = True
                    print(f"killed the worker after {sink.total} mails; re-queued", end=" ")
                    print(child(env, "--requeue"), "task(s); a new worker takes over")
                    worker = worker_start(env)
                time.sleep(0.05)
            # Let the last batch record itself, then stop the worker.
            deadline = time.perf_counter() + 30
            while time.perf_counter() < deadline:
                progress = child(env, "--report", str(broadcast_id))
                if progress["status"] in ("done", "failed"):
                    break
                time.sleep(0.5)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)

    expected = {EMAIL_PATTERN.format(n) for n in range(arguments.members)}
    duplicates = sum(count - 1 for count in sink.received.values() if count > 1)
    missing = len(expected - set(sink.received))
    sending = (sink.last_at or 0) - (sink.first_at or 0)
    print(f"status {progress['status']}: notified {progress['notified']} of {progress['total']}")
    print(f"mails received  {sink.total}  (broadcast counts {progress['mailed']} mailed)")
    print(f"duplicates      {duplicates}")
    print(f"missing         {missing}")
    print(f"dropped         {sink.dropped}  (connections lost before the final dot)")
    if sending > 0:
        print(f"mails/s         {sink.total / sending:.0f}  (first to last mail, {sending:.1f} s)")
    if progress["seconds"]:
        print(
            f"end to end      {progress['seconds']:.1f} s from the click to done "
            f"({audience / progress['seconds']:.0f} members/s)"
        )
    if duplicates or missing:
        raise SystemExit("some members got no mail or more than one")


if __name__ == "__main__":
    main()
