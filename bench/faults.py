"""Fault drill: the site and its task worker against a cache outage, a database outage, a hung
database and a worker killed mid-batch. Prints a plain report; docs/benchmarks.md keeps the
numbers of each run.

Run by hand (it is not a test; it takes a few minutes):

    .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --members 500 --conn-max-age 0 --only a,b,c,d

It starts everything it needs on its own ports, so it never touches a running PostgreSQL or
Redis: a PostgreSQL cluster (initdb in a temporary folder, port 55432), a Redis without
persistence (port 56379), a tiny SMTP sink in this process (port 56025) that counts the mails
per recipient, gunicorn with the production settings (port 56080) and one
`manage.py db_worker`. It migrates a fresh database, collects the static files, seeds a
project, a member logged in (a session cookie) and a researcher. Then:

(a) Redis stopped: the home page, the login page and the project page for the logged-in member
    must answer 200 and /healthz `degraded` (200); Redis is started again.
(b) PostgreSQL stopped for a few seconds while the worker runs: pages must answer the 503 page
    quickly; PostgreSQL is started again, and the same worker process must still be alive and
    run a task queued after the outage.
(c) PostgreSQL hung (SIGSTOP to its server processes): how long a page that needs the database
    takes to answer, and with what; then SIGCONT.
(d) `--members` members (500) in the project's audience are invited
    (projects.services.invitations.project_audience_invite); the worker is SIGKILLed twice
    mid-batch and started again each time; once the queue is empty (requeue_stuck_tasks with a
    short timeout puts back what the killed workers held), the sink says how many members got
    0, 1 or 2+ invitation mails.

Everything it started is stopped and the temporary folder deleted at the end, also on errors.
"""
# ruff: noqa: T201

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_PORT = 55432
REDIS_PORT = 56379
SMTP_PORT = 56025
WEB_PORT = 56080
MEMBER_EMAIL = "fault-member@example.org"
RESEARCHER_EMAIL = "fault-researcher@example.org"
AUDIENCE_EMAIL = "fault-audience-{n}@example.org"
PROJECT_SLUG = "fault-project"


# --- the SMTP sink (in this process) ---


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every mail and counts it per recipient."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, delay: float) -> None:
        super().__init__(("127.0.0.1", port), SmtpHandler)
        self.delay = delay
        self.recipients: Counter[str] = Counter()
        self.lock = threading.Lock()


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # a worker killed mid-conversation
            self.converse()

    def converse(self) -> None:
        self.reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>").lower())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                while (data := self.rfile.readline()) and data not in (b".\r\n", b".\n"):
                    pass
                time.sleep(self.server.delay)  # a real mail server takes its time too
                with self.server.lock:
                    self.server.recipients.update(recipients)
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")


# --- in a child process, with Django set up ---


def child(action: str, argument: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    if action == "seed":
        from community.demo_content import consent_documents_seed
        from community.models import Role, User
        from community.services.accounts import user_create
        from community.services.consent import consent_accept, consent_documents_to_accept
        from community.services.pseudonyms import member_pseudonym_set
        from projects.models import ProjectIndexPage, ProjectPage

        def member(email: str, pseudonym: str) -> User:
            user = user_create(email=email, password=None, email_verified=True)
            member_pseudonym_set(user=user, pseudonym=pseudonym)
            consent_accept(user=user, documents=consent_documents_to_accept(user=user))
            return user

        with transaction.atomic():
            consent_documents_seed()
            project = ProjectPage(title="Storingen", slug=PROJECT_SLUG, summary="Een proef.")
            ProjectIndexPage.objects.get().add_child(instance=project)
            project.save_revision().publish()
            logged_in = member(MEMBER_EMAIL, "Storingsouder")
            user_create(email=RESEARCHER_EMAIL, password=None, roles=[Role.ADMIN])
            for n in range(int(argument)):
                member(AUDIENCE_EMAIL.format(n=n), f"Publiek {n}")
        client = Client()
        client.force_login(logged_in)
        name = settings.SESSION_COOKIE_NAME
        return {"project_path": project.url, "cookie": f"{name}={client.cookies[name].value}"}

    if action == "probe":
        from community.tasks import notification_email_send

        return {"id": str(notification_email_send.enqueue(0).id)}

    if action == "status":
        return {"status": DBTaskResult.objects.get(pk=argument).status}

    if action == "queue":
        counts = Counter(DBTaskResult.objects.values_list("status", flat=True))
        return dict(counts)

    if action == "invite":
        from community.models import User
        from projects.models import ProjectPage
        from projects.services.invitations import project_audience_invite

        researcher = User.objects.get(email=RESEARCHER_EMAIL)
        researcher.second_factor_passed = True  # what the sign-in with the second factor sets
        with transaction.atomic():
            project_audience_invite(
                project=ProjectPage.objects.get(slug=PROJECT_SLUG), invited_by=researcher
            )
        return {}

    raise SystemExit(f"unknown action {action}")


# --- orchestration (no Django in this process) ---


class Drill:
    def __init__(self, folder: Path, conn_max_age: int) -> None:
        self.folder = folder
        self.pg_data = folder / "pg"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "fault-drill-only-secret-key-not-for-production-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/faults",
            "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "SITE_BASE_URL": f"http://127.0.0.1:{WEB_PORT}",
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "CONN_MAX_AGE": str(conn_max_age),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DEBUG", None)

    # processes

    def start(self, name: str, command: list[str], **options) -> None:
        log = self.logs.setdefault(name, self.folder / f"{name}.log")
        options = {"cwd": ROOT, "env": self.env, **options}
        self.processes[name] = subprocess.Popen(
            command,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: signals reach its children too
            **options,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM, wait: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGCONT)
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def start_postgres(self) -> None:
        self.start(
            "postgres",
            [
                str(postgres_binary("postgres")),
                "-D",
                str(self.pg_data),
                "-p",
                str(PG_PORT),
                "-k",
                str(self.pg_data.parent / "socket"),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
            ],
            **as_postgres(),
        )
        wait_for_port(PG_PORT)
        deadline = time.monotonic() + 30
        while subprocess.run(
            [str(postgres_binary("pg_isready")), "-h", "127.0.0.1", "-p", str(PG_PORT), "-q"]
        ).returncode:
            if time.monotonic() > deadline:
                raise SystemExit("PostgreSQL did not start")
            time.sleep(0.2)

    def start_redis(self) -> None:
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
        )
        wait_for_port(REDIS_PORT)

    def start_web(self) -> None:
        self.start(
            "gunicorn",
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "2",
                "--timeout",
                "40",
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if get("/healthz")[0] == 200:
                    return
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer in time")

    def start_worker(self) -> None:
        # A short TASKS_RUNNING_TIMEOUT, so that the worker's own check (once a minute) puts
        # back what a killed worker held within the drill (production: 10 minutes).
        self.start(
            "worker",
            [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"],
            env={**self.env, "TASKS_RUNNING_TIMEOUT": "15"},
        )

    def manage(self, *arguments: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stderr}")
        return result.stdout

    def child(self, action: str, argument: str = "") -> dict:
        result = subprocess.run(
            [PYTHON, "-m", "bench.faults", "--child", action, argument],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise SystemExit(f"child {action} failed:\n{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def cleanup(self) -> None:
        for name in list(self.processes):
            self.stop(name, signal.SIGINT if name == "postgres" else signal.SIGTERM)


def as_postgres() -> dict:
    """PostgreSQL refuses to run as root: run it as the system's postgres user then."""
    return {"user": "postgres", "cwd": "/"} if os.geteuid() == 0 else {}


def postgres_folders(folder: Path) -> None:
    folder.chmod(0o755)
    for sub in ("pg", "socket"):
        (folder / sub).mkdir()
        if os.geteuid() == 0:
            shutil.chown(folder / sub, "postgres")


def cluster_pids(postmaster: int) -> list[int]:
    """The postmaster and every process it started (from /proc)."""
    pids = [postmaster]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == postmaster:
                pids.append(int(stat.parent.name))
    return pids


def postgres_binary(name: str) -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def get(path: str, cookie: str = "", timeout: float = 60) -> tuple[int, float, bytes]:
    """Status, seconds and body of one GET (as if behind the HTTPS proxy)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=timeout)
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, b""
    finally:
        connection.close()


def report_pages(pages: dict[str, tuple[str, str]]) -> dict[str, tuple[int, float]]:
    results = {}
    for label, (path, cookie) in pages.items():
        status, seconds, body = get(path, cookie)
        extra = ""
        if path == "/healthz" and body:
            extra = " " + body.decode()
        elif status == 503:
            extra = " (503 page)" if b"503" in body or b"beschikbaar" in body else ""
        print(f"    {label:<28} {status or 'no answer'} in {seconds * 1000:,.0f} ms{extra}")
        results[label] = (status, seconds)
    return results


def wait_until(check, seconds: float, step: float = 0.5) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(step)
    return None


def drill(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mtp-faults-"))
    sink = SmtpSink(SMTP_PORT, args.smtp_delay)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    run = Drill(folder, args.conn_max_age)
    try:
        print(f"Setting up in {folder} …")
        postgres_folders(folder)
        subprocess.run(
            [
                str(postgres_binary("initdb")),
                "-D",
                str(run.pg_data),
                "-U",
                "postgres",
                "-A",
                "trust",
            ],
            check=True,
            capture_output=True,
            **as_postgres(),
        )
        run.start_postgres()
        subprocess.run(
            [
                str(postgres_binary("createdb")),
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "faults",
            ],
            check=True,
        )
        run.start_redis()
        run.manage("migrate", "--no-input")
        run.manage("collectstatic", "--no-input")
        seeded = run.child("seed", str(args.members))
        cookie, project = seeded["cookie"], seeded["project_path"]
        run.start_web()
        run.start_worker()
        pages = {
            "home /": ("/", ""),
            "login /accounts/login/": ("/accounts/login/", ""),
            "project page (member)": (project, cookie),
            "healthz": ("/healthz", ""),
        }
        print("Everything up; baseline:")
        report_pages(pages)
        only = set(args.only.split(","))

        if "a" in only:
            print("\n(a) Redis stopped")
            run.stop("redis")
            report_pages(pages)
            report_pages(pages)  # again, now that each process knows the cache is gone
            run.start_redis()
            back = wait_until(lambda: b'"cache": "ok"' in get("/healthz")[2], 30)
            print(f"    Redis started again; /healthz says cache ok after {back:.1f} s")

        if "b" in only:
            print("\n(b) PostgreSQL stopped while the worker runs")
            worker_pid = run.processes["worker"].pid
            run.stop("postgres", signal.SIGINT)
            time.sleep(1)
            report_pages(pages)
            time.sleep(args.outage)
            run.start_postgres()
            back = wait_until(lambda: get("/healthz")[0] == 200, 60)
            print(f"    PostgreSQL started again after {args.outage + 1:.0f} s down;")
            print(f"    /healthz 200 again after {back:.1f} s more")
            report_pages(pages)
            alive = (
                run.processes["worker"].poll() is None and run.processes["worker"].pid == worker_pid
            )
            probe = run.child("probe")["id"]
            ran = wait_until(lambda: run.child("status", probe)["status"] == "SUCCESSFUL", 60, 1)
            print(f"    worker process {worker_pid} alive: {alive}")
            print(
                "    task queued after the outage: "
                + (f"run in {ran:.1f} s" if ran is not None else "NOT run within 60 s")
            )

        if "c" in only:
            print("\n(c) PostgreSQL hung (SIGSTOP to the postmaster and every backend)")
            # Each backend is its own process group (PostgreSQL calls setsid()): stop each.
            frozen = cluster_pids(run.processes["postgres"].pid)
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)
            try:
                report_pages(
                    {"healthz": ("/healthz", ""), "project page (member)": (project, cookie)}
                )
            finally:
                for pid in frozen:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGCONT)
            back = wait_until(lambda: get("/healthz")[0] == 200, 60)
            print(f"    SIGCONT; healthz 200 after {back:.1f} s")

        if "d" in only:
            print(f"\n(d) {args.members} members invited; the worker killed twice mid-batch")
            started = time.monotonic()
            run.child("invite")
            for kill in (1, 2):
                due = kill * args.members // 4
                waited = wait_until(lambda due=due: sum(sink.recipients.values()) >= due, 240, 0.05)
                if waited is None:
                    print(f"    (fewer than {due} mails after 240 s)")
                sent = sum(sink.recipients.values())
                run.stop("worker", signal.SIGKILL)
                print(f"    SIGKILL {kill} after {sent} mails; worker started again")
                run.start_worker()

            def drained() -> bool:
                queue = run.child("queue")
                if queue.get("READY", 0):
                    return False
                if queue.get("RUNNING", 0):
                    print(f"    {queue['RUNNING']} task(s) RUNNING; requeue_stuck_tasks in 10 s")
                    time.sleep(10)
                    print("    " + run.manage("requeue_stuck_tasks", "--older-than", "10").strip())
                    return False
                return True

            finished = wait_until(drained, 600, 2)
            queue = run.child("queue")
            time.sleep(1)
            audience = [AUDIENCE_EMAIL.format(n=n) for n in range(args.members)]
            mails = Counter(min(sink.recipients[email], 2) for email in audience)
            print(
                f"    queue empty after {time.monotonic() - started:.0f} s: {queue}"
                if finished
                else f"    queue NOT empty: {queue}"
            )
            print(
                f"    members with 0 mails: {mails[0]}, 1 mail: {mails[1]}, 2+ mails: {mails[2]}"
                f" (of {args.members}; {sum(sink.recipients.values())} mails in all)"
            )
    finally:
        run.cleanup()
        sink.shutdown()
        sink.server_close()
        if args.keep:
            print(f"Logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument(
        "--outage", type=float, default=5, help="seconds PostgreSQL stays down in (b)"
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="CONN_MAX_AGE of gunicorn and the worker"
    )
    parser.add_argument(
        "--smtp-delay", type=float, default=0.02, help="seconds the sink takes per mail"
    )
    parser.add_argument("--only", default="a,b,c,d", help="which parts to run, e.g. a,c")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder and its logs"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    drill(args)


if __name__ == "__main__":
    main()
