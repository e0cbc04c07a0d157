"""Benchmark of issue 15's survey target, run by hand (it is not a test): parents sending the
micro-survey (POST /f/<token>/, each request with a fresh one-time token) served by gunicorn
with the production settings on PostgreSQL, loaded with wrk next to the bare JSON view on the
same server in the same run. Target: submissions reach at least 25 % of the bare view's
requests per second.

    .venv/bin/python bench/survey.py
    .venv/bin/python bench/survey.py --seconds 10 --rounds 3 --connections 8 --workers 3 \
        --database-url postgres://postgres@127.0.0.1:5432/meettheparents_bench \
        --cache-url redis://127.0.0.1:6379/9

gunicorn runs as the README deploys it (3 sync workers, --workers to change). The bare and
submit rows alternate for --rounds rounds, so that a slower minute on a shared machine weighs
on both alike; the ratio is over all rounds, with each round's beside it. Each row also shows
how busy the machine's CPUs were (/proc/stat): a row that leaves them idle is waiting, not
computing.

It creates the database when missing (never dropping one) and migrates it, then makes a
staff member in a team and, for this run, enough fresh invitations (contacts with their
hashed tokens, by bulk insert) for the warm-up and each measured round; the tokens go to files
that a Lua script hands out to wrk's threads, one token per request, never twice (the script
reports when it ran out and had to reuse them: then raise --tokens). One in ten answers is a
low score, which enqueues, with the answer, the task that opens its follow-up item and
notifies the team's lead, as in real use (no worker runs those tasks during the bench).
Afterwards it counts the responses stored against the requests wrk completed.

Rows: `bare JSON` (bench/urls.py: no database, no template), `survey page` (GET of one link:
what opening the survey costs; GET records nothing) and `survey submit` (the measured POSTs).
"""
# ruff: noqa: T201

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.thread import (  # noqa: E402
    BARE_PATH,
    DEFAULT_DATABASE_URL,
    PYTHON,
    bench_environment,
    database_ensure,
    manage,
    wait_until_up,
)

TARGET_RATIO = 0.25
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/9"
STAFF_EMAIL = "bench-survey-staff@example.org"
LEAD_EMAIL = "bench-survey-lead@example.org"
WARM_UP_SECONDS = 2

# One token per request, split between wrk's threads; counts how often a thread ran out.
LUA_SCRIPT = r"""
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local headers = {
  ["Host"] = "127.0.0.1",
  ["X-Forwarded-Proto"] = "https",
  ["Content-Type"] = "application/x-www-form-urlencoded",
}
local bodies = {
  "score=4&comment=Vriendelijk+en+duidelijk+uitgelegd.",
  "score=5",
  "score=5&may_contact=on&contact_detail=0470+12+34+56",
  "score=3&comment=We+moesten+lang+wachten.",
  "score=4",
  "score=5&comment=Dank+je+wel%21",
  "score=4&may_contact=on&contact_detail=ouder%40example.org",
  "score=3",
  "score=5",
  "score=1&comment=Niemand+luisterde.&may_contact=on&contact_detail=0470123456",
}

function init(args)
  local path, thread_count = args[1], tonumber(args[2])
  tokens = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % thread_count == id then
      tokens[#tokens + 1] = line
    end
    line_number = line_number + 1
  end
  used = 0
  reused = 0
end

function request()
  used = used + 1
  local index = used
  if index > #tokens then
    reused = reused + 1
    index = (index - 1) % #tokens + 1
  end
  local body = bodies[(used - 1) % #bodies + 1]
  return wrk.format("POST", "/f/" .. tokens[index] .. "/", headers, body)
end

function done(summary, latency, requests)
  local reused_total = 0
  for _, thread in ipairs(threads) do
    reused_total = reused_total + thread:get("reused")
  end
  io.write(string.format("tokens reused: %d\n", reused_total))
end
"""


# --- seeding and counting (run in a child process with Django set up) ---


def seed(tokens: int, files: list[str]) -> dict:
    """A staff member with a team, and `tokens` fresh invitations per file, their tokens
    written to the files (one per line). Bulk inserts: the service's one-by-one path is
    what the tests cover; here only the tokens matter."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from community.models import Role, User
    from feedback.models import (
        INVITATION_VALID_FOR,
        Channel,
        Contact,
        Invitation,
        Region,
        StaffMember,
        Team,
    )
    from feedback.services.surveys import survey_version_current
    from feedback.tokens import token_hash, token_new

    with transaction.atomic():
        region, _created = Region.objects.get_or_create(name="Benchmark")
        team, _created = Team.objects.get_or_create(name="Benchmark-team", region=region)
        user = User.objects.filter(email=STAFF_EMAIL).first() or User.objects.create(
            email=STAFF_EMAIL
        )
        staff = StaffMember.objects.filter(user=user).first() or StaffMember.objects.create(
            user=user, team=team, staff_number="BENCH-SURVEY", display_name="Bench"
        )
        # The team's lead, as in real use: a low score's follow-up item notifies them.
        lead = User.objects.filter(email=LEAD_EMAIL).first() or User.objects.create(
            email=LEAD_EMAIL
        )
        lead.groups.add(Group.objects.get_or_create(name=Role.TEAM_LEAD)[0])
        team.leads.add(lead)
        survey_version_current(Channel.CONSULTATION)
    now = timezone.now()
    for path in files:
        issued = [token_new() for _ in range(tokens)]
        with transaction.atomic():
            contacts = Contact.objects.bulk_create(
                Contact(channel=Channel.CONSULTATION, staff=staff, occurred_at=now) for _ in issued
            )
            Invitation.objects.bulk_create(
                (
                    Invitation(
                        contact=contact,
                        token_hash=token_hash(token),
                        created_at=now,
                        expires_at=now + INVITATION_VALID_FOR,
                        channel=contact.channel,
                        staff=staff,
                        team_id=staff.team_id,
                        region_id=team.region_id,
                    )
                    for contact, token in zip(contacts, issued, strict=True)
                ),
                batch_size=5000,
            )
        Path(path).write_text("\n".join(issued) + "\n")
    return {"staff": staff.pk, "responses": responses_count(staff.pk)}


def responses_count(staff_id: int) -> int:
    from feedback.models import Response

    return Response.objects.filter(staff_id=staff_id).count()


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


def cpu_times() -> tuple[int, int]:
    """The machine's busy and total CPU time so far (/proc/stat, in ticks)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def wrk(
    port: int, path: str, seconds: int, connections: int, script: list[str] | None = None
) -> dict:
    """Requests per second and requests completed, from wrk with 2 threads, and how busy the
    machine's CPUs were meanwhile."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is None:
        command += ["-H", "X-Forwarded-Proto: https", "-H", "Host: 127.0.0.1"]
    else:
        command += ["-s", script[0]]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script is not None:
        command += ["--", *script[1:]]
    busy_before, total_before = cpu_times()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    busy_after, total_after = cpu_times()
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"{path} answered errors under load:\n{output}")
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "completed": int(re.search(r"(\d+) requests in", output).group(1)),
        "busy": (busy_after - busy_before) / max(total_after - total_before, 1),
        "output": output,
    }


def row_line(name: str, run: dict) -> str:
    output = run["output"]
    found = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    latency = f"mean {found.group(1)}, p99 {p99.group(1) if p99 else '?'}" if found else ""
    return (
        f"{name:<16} {run['rate']:8.1f} req/s  {run['completed']:6d} requests  "
        f"CPU {run['busy']:4.0%} busy  {latency}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        import django

        django.setup()
        task, *rest = sys.argv[2:]
        if task == "seed":
            print(json.dumps(seed(int(rest[0]), rest[1:])))
        else:
            print(json.dumps({"responses": responses_count(int(rest[0]))}))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL)
    parser.add_argument("--seconds", type=int, default=10, help="wrk load per row and round")
    parser.add_argument("--rounds", type=int, default=3, help="bare and submit rows, alternated")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn workers (the README's deployment: 3)"
    )
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--tokens", type=int, default=25_000, help="fresh invitations per measured round"
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    env = bench_environment(arguments.database_url, arguments.cache_url)
    database_ensure(arguments.database_url)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    # Always: the survey's stylesheet and faces must be in the manifest (an older collection
    # from another bench lacks them, and the page would fail).
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    workdir = Path(tempfile.mkdtemp(prefix="bench-survey-"))
    script = workdir / "survey.lua"
    script.write_text(LUA_SCRIPT)
    warm_tokens, page_token = workdir / "warm.txt", workdir / "page.txt"
    round_tokens = [workdir / f"round-{number}.txt" for number in range(arguments.rounds)]
    seeded = child(env, "seed", str(arguments.tokens), *map(str, round_tokens))
    child(env, "seed", str(arguments.tokens // 5), str(warm_tokens))
    child(env, "seed", "1", str(page_token))
    page_path = f"/f/{page_token.read_text().strip()}/"

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
    seconds, connections = arguments.seconds, arguments.connections
    bare_runs: list[dict] = []
    submit_runs: list[dict] = []
    try:
        wait_until_up(arguments.port)
        wrk(arguments.port, BARE_PATH, WARM_UP_SECONDS, connections)
        wrk(arguments.port, page_path, WARM_UP_SECONDS, connections)
        page_run = wrk(arguments.port, page_path, seconds, connections)
        wrk(arguments.port, "/", WARM_UP_SECONDS, connections, [str(script), str(warm_tokens), "2"])
        before = child(env, "count", str(seeded["staff"]))["responses"]
        # Alternated, so that a slower minute on a shared machine weighs on both rows alike.
        for tokens in round_tokens:
            bare_runs.append(wrk(arguments.port, BARE_PATH, seconds, connections))
            measured = [str(script), str(tokens), "2"]
            submit_runs.append(wrk(arguments.port, "/", seconds, connections, measured))
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = child(env, "count", str(seeded["staff"]))["responses"] - before
    shutil.rmtree(workdir)

    print(
        f"gunicorn {arguments.workers} workers, wrk 2 threads {connections} connections, "
        f"{arguments.rounds} rounds of {seconds} s per row, cache {arguments.cache_url}"
    )
    print(row_line("survey page", page_run))
    ratios = []
    for number, (bare, submit) in enumerate(zip(bare_runs, submit_runs, strict=True), 1):
        ratios.append(submit["rate"] / bare["rate"])
        print(row_line(f"{number}: bare JSON", bare))
        print(row_line(f"{number}: survey submit", submit) + f"  ratio {ratios[-1]:.1%}")
    submitted = sum(run["completed"] for run in submit_runs)
    reused = sum(
        int(re.search(r"tokens reused: (\d+)", run["output"]).group(1)) for run in submit_runs
    )
    print(f"responses stored {stored} for {submitted} submits completed; tokens reused {reused}")
    # Over all rounds: every row ran for the same seconds, so its requests compare as rates.
    ratio = submitted / sum(run["completed"] for run in bare_runs)
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(
        f"ratio {ratio:8.1%}  (survey submit / bare JSON over {arguments.rounds} rounds, "
        f"{min(ratios):.1%}-{max(ratios):.1%} per round: {verdict} the 25% goal)"
    )
    if reused:
        print("the tokens ran out: some submits were repeats (raise --tokens)")


if __name__ == "__main__":
    main()
