"""Load test (issue 9): the production stack on one machine under 20 locust users for 5 minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/crm_bench \\
        --duration 5m --users 20 --port 18431

Needs the reference data (`manage.py generate_data --scale 1`; the generated users' password is
bench-Pass-2026), PostgreSQL and Redis running. Steps:
1. Applies pending migrations (as the web container does; --no-migrate skips it), collects static files
   into a temporary STATIC_ROOT (whitenoise's manifest storage needs them with DEBUG off) and copies the
   beat schedule into the database (`sync_schedules`).
2. Writes the plan, bench/results/load_plan.json: real users of the generated companies (managers with
   people below them, sales users without), a sample of the threads and partners each may see, name
   fragments to search for. It gives the chosen memberships a read-only group "Bench load" (the view
   permissions of the CRM apps); sales users also get the "Sales" role (so the meeting-block check runs
   for them, as in production). Idempotent.
3. Starts, in production mode as docker-compose.yml configures it (DEBUG=false, a random SECRET_KEY,
   CONN_MAX_AGE=60, Redis cache and broker; SECURE_COOKIES=false because this is plain http on 127.0.0.1;
   --conn-health-checks adds CONN_HEALTH_CHECKS=true, one `SELECT 1` per request):
   gunicorn (3 sync workers, as in docker-compose.yml) on 127.0.0.1:--port, a Celery worker
   (concurrency 2) and Celery beat with the scheduler of the settings (CELERY_BEAT_SCHEDULER, the
   DatabaseScheduler or a subclass); waits for /health/.
4. Runs `locust --headless` with bench/locustfile.py (CSV output under bench/results/load_*.csv): the
   users log in once each (20 password hashes at once take a while on 2 cores), then --duration is
   measured with all of them working; the logins are reported apart. Meanwhile bench/_resources.py
   samples, every --interval seconds, the resident memory of each component's process tree: gunicorn
   master + workers, Celery worker + pool, beat, the PostgreSQL server (postmaster, its
   auxiliary processes and the backends of this database; other databases' backends on a shared server
   are shown apart and not counted) and the Redis server. RSS is what the target is checked on; PSS
   (shared pages divided among the processes sharing them) is printed beside it, because RSS counts
   PostgreSQL's shared buffers once per backend that touched them.
5. Prints requests/s, p50/p95/p99, failures, per-page p50/p95/p99, peak memory per component and in
   total, and, so that a run on a shared or slow machine can be judged: the load average at start and
   end, the CPU cores used in the measured window by the stack, by locust and by everything else, the
   stack's CPU time per request (and the rate the machine's cores would give at that cost if the stack
   had them to itself, an estimate), and a CPU speed reference (sum(range(1000)) in microseconds).
   Writes bench/results/load.json; exit status 1 when a target is missed.
Everything it started is stopped at the end, also on Ctrl+C or an error (logs: bench/results/load-logs/).

Targets: >= 40 requests/s, p95 < 500 ms, no failures, total resident memory < 3 GB.
"""

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import psutil
from _resources import COMPONENTS, Sampler

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = RESULTS / "load-logs"
PLAN = RESULTS / "load_plan.json"
BIN = Path(sys.executable).parent
PASSWORD = "bench-Pass-2026"  # devtools/management/commands/generate_data.py
# Issue 17's targets (issue 9 asked for 40 requests/s and p95 under 500 ms).
TARGET_RPS = 60
TARGET_P95_MS = 300
TARGET_MEMORY_MB = 3 * 1024


# 1-2. Preparation: plan from the reference data ------------------------------------------------------


def build_plan(*, company_prefix: str, managers: int, sales: int, seed: int) -> dict:
    """Real accounts and what each may see, from the generated companies (Django, this process)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from django.db import connections

    from communications.models import Thread
    from companies.hierarchy import subordinate_ids
    from companies.models import Membership
    from companies.permissions import CRM_APP_LABELS
    from companies.visibility import Viewer
    from partners.models import PartnerAccount

    rng = random.Random(seed)  # the same data gives the same plan
    read_only, _ = Group.objects.get_or_create(name="Bench load")
    read_only.permissions.set(
        Permission.objects.filter(content_type__app_label__in=CRM_APP_LABELS, codename__startswith="view_")
    )
    sales_role, _ = Group.objects.get_or_create(name=settings.SALES_ROLES[0])
    memberships = list(
        Membership.objects.active()
        .filter(company__code__startswith=f"{company_prefix}-")
        .select_related("user", "company")
        .order_by("company__code", "user__username")
    )
    if not memberships:
        raise SystemExit(f"no memberships in companies {company_prefix}-*: generate the data first")
    below = {m.pk: subordinate_ids(user_id=m.user_id, company_id=m.company_id) for m in memberships}
    # Managers: people with a team, those nearest 40 people below first (as bench/pages.py picks one).
    with_team = sorted(
        (m for m in memberships if len(below[m.pk]) >= 5), key=lambda m: abs(len(below[m.pk]) - 40)
    )
    chosen_managers = with_team[:managers]
    # Sales users: the others, those with nobody below them first (shuffled); one more logs in to probe
    # /search/ (a sales user's account if the data set is too small to spare one).
    rest = [m for m in memberships if m not in chosen_managers]
    rng.shuffle(rest)
    rest.sort(key=lambda m: len(below[m.pk]))
    chosen_sales = rest[:sales]
    probe = rest[sales] if len(rest) > sales else chosen_sales[-1]

    def account(membership, *, is_manager: bool) -> dict:
        membership.groups.add(read_only)
        if not is_manager:
            membership.groups.add(sales_role)
        viewer = Viewer.for_user(membership.user, membership.company)
        threads = list(
            Thread.objects.filter(company=membership.company, owner_id__in=viewer.visible_user_ids)
            .order_by("-pk")
            .values_list("pk", flat=True)[:400]
        )
        partners = list(
            PartnerAccount.objects.visible_to(viewer)
            .order_by("-pk")
            .values_list("partner_id", flat=True)[:400]
        )
        team = sorted(below[membership.pk])
        return {
            "username": membership.user.username,
            "user_id": membership.user_id,
            "company": membership.company.code,
            "people_below": len(team),
            "team": [membership.user_id, *rng.sample(team, min(len(team), 20))],
            "threads": rng.sample(threads, min(len(threads), 40)),
            "partners": rng.sample(partners, min(len(partners), 40)),
        }

    plan = {
        "password": PASSWORD,
        "managers": [account(m, is_manager=True) for m in chosen_managers],
        "sales": [account(m, is_manager=False) for m in chosen_sales],
        "probe": account(probe, is_manager=False),
    }
    empty = [a["username"] for a in plan["managers"] + plan["sales"] if not a["threads"] or not a["partners"]]
    if empty:
        raise SystemExit(f"accounts without threads or partners: {empty}")
    names = list(
        PartnerAccount.objects.filter(company__code__startswith=f"{company_prefix}-")
        .order_by("-pk")
        .values_list("partner__name", flat=True)[:2000]
    )
    fragments = []
    for name in rng.sample(names, min(len(names), 40)):
        # "Gen Partner 0012345 Kft.": the number's tail (a few matches) or "Partner 00123" (about 100).
        digits = next((word for word in name.split() if word.isdigit()), name)
        fragments.append(digits[-5:] if len(fragments) % 2 else f"Partner {digits[:5]}")
    plan["name_fragments"] = fragments
    plan["search_words"] = [f"Contact {rng.randint(1, 9999)}" for _ in range(10)]
    connections.close_all()
    return plan


# 3. The stack --------------------------------------------------------------------------------------


class Stack:
    """The processes this script starts, each in its own session so one signal reaches its whole tree."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: list = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{name.replace(' ', '-')}.log", "w")  # noqa: SIM115 (closed in stop_all)
        self.logs.append(log)
        process = subprocess.Popen(  # noqa: S603 (our own fixed commands)
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes[name] = process
        return process

    def stop_all(self) -> None:
        """SIGTERM to each process group (gunicorn and Celery shut down warmly), SIGKILL after 30 s."""
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)  # leftovers of a tree whose leader has exited
        for log in self.logs:
            log.close()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def python_speed_us() -> float:
    """A reference for the reader: best of 5 of sum(range(1000)) in microseconds. A modern server core
    with Python 3.11 does it in about 10 us; a higher figure means a slow or contended CPU."""
    return round(min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6, 1)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 (manage.py with fixed arguments)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def wait_for_health(url: str, stack: Stack, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}: see {LOGS}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own http://127.0.0.1)
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = type(error).__name__
        time.sleep(1)
    raise SystemExit(f"{url} did not answer 200 within {timeout:.0f} s (last: {last}); see {LOGS}")


def health(url: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError) as error:
        return {"status": f"no answer ({type(error).__name__})"}


# 5. Figures (4, the sampling, is bench/_resources.py) ----------------------------------------------


def seconds(duration: str) -> int:
    """locust's --run-time notation: 300, 300s, 5m, 1h30m."""
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", duration.strip())
    if not match or not any(match.groups()):
        raise argparse.ArgumentTypeError(f"not a duration: {duration!r}")
    hours, minutes, secs = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + secs


def print_table(figures: dict, pages: dict[str, dict]) -> None:
    print("\nload test")
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        if not isinstance(value, dict | list):
            print(f"  {key.ljust(width)}  {value}")
    print(
        f"\n  {'page':<28} {'requests':>8} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for name, row in [*sorted(pages.items()), *figures["login_figures"].items()]:
        print(
            f"  {name:<28} {row['requests']:>8} {row['failures']:>5} {row['p50_ms']:>7.0f} "
            f"{row['p95_ms']:>7.0f} {row['p99_ms']:>7.0f} {row['max_ms']:>7}"
            + ("  (before the measured window)" if name in figures["login_figures"] else "")
        )
    print(f"\n  {'peak memory (MB)':<28} {'RSS':>8} {'PSS':>8}")
    for name, row in figures["memory_mb"].items():
        print(f"  {name:<28} {row['rss']:>8.0f} {row['pss']:>8.0f}")
    for line in figures["failure_details"]:
        print(f"  failure: {line}")


# main ----------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--duration", default="5m", type=seconds, help="measured time after all logins: 300, 5m (default 5m)"
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--pace",
        type=float,
        default=2.5,
        help="requests per second each user aims at (default 2.5: 20 users offer 50/s, above the 40/s target, "
        "so the rate measured is the stack's capacity; 2.0 offers exactly the target)",
    )
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench"),
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--port", type=int, default=18431)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker for --worker-class gthread"
    )
    parser.add_argument("--conn-max-age", type=int, default=60, help="persistent database connections (s)")
    parser.add_argument("--conn-health-checks", action="store_true", help="CONN_HEALTH_CHECKS=true")
    parser.add_argument("--interval", type=float, default=3, help="memory sampling interval (s)")
    parser.add_argument("--company-prefix", default="gen", help="generate_data --prefix of the data set")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--plan-only", action="store_true", help="write the plan and stop")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    redis = urlparse(args.redis_url)
    database = urlparse(args.database_url).path.lstrip("/")
    static_root = tempfile.mkdtemp(prefix="crm-load-static-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_COOKIES": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "crm-load",
        "CONN_MAX_AGE": str(args.conn_max_age),
        "CONN_HEALTH_CHECKS": "true" if args.conn_health_checks else "false",
        "STATIC_ROOT": static_root,
        "CRM_VAR_DIR": str(Path(static_root) / "var"),
        "PYTHONUNBUFFERED": "1",
        "CRM_LOAD_PLAN": str(PLAN),
        "CRM_LOAD_RESULT": str(RESULTS / "load_locust.json"),
        "CRM_LOAD_MEASURE_SECONDS": str(args.duration),
        "CRM_LOAD_PACE": str(args.pace),
    }
    os.environ.update(
        {
            key: env[key]
            # the same cache as the stack: the plan's group changes renew its access cache generation
            for key in ("DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "DEBUG", "SECRET_KEY", "CRM_VAR_DIR")
        }
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stack = Stack(env)
    # Ctrl+C raises KeyboardInterrupt; a plain kill (SIGTERM) does the same, so `finally` always cleans up.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started in the background (SIGINT ignored)
    try:
        if not args.no_migrate and not args.plan_only:
            manage(env, "migrate", "--noinput")
        plan = build_plan(
            company_prefix=args.company_prefix, managers=args.users, sales=args.users, seed=args.seed
        )
        PLAN.write_text(json.dumps(plan, indent=1))
        print(f"plan: {len(plan['managers'])} managers, {len(plan['sales'])} sales users -> {PLAN}")
        if args.plan_only:
            return 0
        manage(env, "collectstatic", "--noinput")
        manage(env, "sync_schedules")
        host = f"http://127.0.0.1:{args.port}"
        # Fail early, not after the stack is up, when another process holds our port.
        if any(
            c.laddr and c.laddr.port == args.port and c.status == "LISTEN"
            for c in psutil.net_connections("tcp")
        ):
            raise SystemExit(f"port {args.port} is in use")
        gunicorn = [str(BIN / "gunicorn"), "crm_project.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
        gunicorn += ["--workers", str(args.workers), "--worker-class", args.worker_class, "--timeout", "60"]
        if args.worker_class == "gthread":
            gunicorn += ["--threads", str(args.threads)]
        (LOGS / "access.log").unlink(missing_ok=True)
        stack.start("gunicorn", [*gunicorn, "--access-logfile", str(LOGS / "access.log")])
        stack.start(
            "celery worker",
            [str(BIN / "celery"), "-A", "crm_project", "worker", "--loglevel", "INFO", "--concurrency", "2"],
        )
        # The scheduler comes from settings.CELERY_BEAT_SCHEDULER (django-celery-beat's DatabaseScheduler,
        # or ops.beat's subclass of it that also tells /health/ beat is alive).
        stack.start("celery beat", [str(BIN / "celery"), "-A", "crm_project", "beat", "--loglevel", "INFO"])
        health_start = wait_for_health(f"{host}/health/", stack)
        time.sleep(5)  # let the Celery worker finish starting before the clock runs
        sampler = Sampler(stack.processes, database, redis.port or 6379, args.interval)
        sampler.sample()
        speed_start = python_speed_us()
        load_start = os.getloadavg()
        sampler.start()
        prefix = RESULTS / "load"
        locust = stack.start(
            "locust",
            [
                str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration + 300}s", "--host", host,
                "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
            ],
        )  # fmt: skip
        (RESULTS / "load_locust.json").unlink(missing_ok=True)
        locust.wait()
        sampler.stopping.set()
        sampler.join()
        sampler.sample()
        load_end = os.getloadavg()
        health_end = health(f"{host}/health/")
        speed_end = python_speed_us()
        result_path = RESULTS / "load_locust.json"
        if not result_path.exists():
            raise SystemExit(f"locust wrote no result (exit {locust.returncode}): see {LOGS / 'locust.log'}")
        result = json.loads(result_path.read_text())
        total, pages = result["total"], result["pages"]
        logins = result["logins"].get("login", {})
        login_failures = sum(entry.get("failures", 0) for entry in result["logins"].values())
        failures = total["failures"] + login_failures
        cpu = sampler.cpu_between(result["measured_from"] or 0)
        cpu_ms_per_request = cpu["stack"] * cpu["seconds"] / max(total["requests"], 1) * 1000
        memory = {
            name: {"rss": round(sampler.peak_rss[name]), "pss": round(sampler.peak_pss[name])}
            for name in sampler.peak_rss
        }
        memory["total (counted)"] = {
            "rss": round(sampler.peak_total_rss),
            "pss": round(sampler.peak_total_pss),
        }
        figures = {
            "command": " ".join(sys.argv),
            "stack": f"gunicorn {args.workers} x {args.worker_class}"
            + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
            + f", CONN_MAX_AGE={args.conn_max_age}"
            + (" + health checks" if args.conn_health_checks else "")
            + f", celery worker (concurrency 2) + beat, database {database}",
            "users": f"{args.users} (spawn rate {args.spawn_rate}/s), each logged in once, "
            f"each aiming at {args.pace} requests/s ({args.users * args.pace:.0f}/s offered)",
            "global search": "included"
            if result["search_available"]
            else "skipped (/search/ not answering 200)",
            "logins": f"{logins.get('requests', 0)}, {login_failures} failed, p50 {logins.get('p50_ms', 0):.0f} ms, "
            f"all in after {logins.get('seconds_until_all_logged_in', '?')} s (not in the figures below)",
            "measured seconds (after the logins)": result["measured_seconds"],
            "requests": total["requests"],
            "requests/s": total["requests_per_s"],
            "p50 / p95 / p99 ms": f"{total['p50_ms']:.0f} / {total['p95_ms']:.0f} / {total['p99_ms']:.0f}",
            "failures (pages + logins)": failures,
            "peak total RSS MB (counted)": round(sampler.peak_total_rss),
            "peak total PSS MB (counted)": round(sampler.peak_total_pss),
            "memory samples": sampler.samples,
            "load average at start (1/5/15 min)": " ".join(f"{x:.2f}" for x in load_start),
            "load average at end (1/5/15 min)": " ".join(f"{x:.2f}" for x in load_end),
            "mean 1-min load during the run": round(sum(sampler.loads) / max(len(sampler.loads), 1), 2),
            "CPU cores used, machine / stack / locust / others": " / ".join(
                f"{cpu[key]:.2f}" for key in ("machine", "stack", "locust", "others")
            ),
            "stack CPU per request (ms)": round(cpu_ms_per_request, 1),
            "  of which " + ", ".join(COMPONENTS): " / ".join(
                f"{cpu[name] * cpu['seconds'] / max(total['requests'], 1) * 1000:.1f}" for name in COMPONENTS
            ),
            f"requests/s at that cost on {os.cpu_count()} free cores (estimate)": round(
                (os.cpu_count() or 1) * 1000 / max(cpu_ms_per_request, 1e-9), 1
            ),
            "sum(range(1000)) us at start / end": f"{speed_start} / {speed_end} (about 10 on an idle modern core)",
            "health at start": health_start.get("status"),
            "health at end": f"{health_end.get('status')} {json.dumps(health_end.get('checks', {}))}",
            "machine": f"{os.uname().nodename} {os.cpu_count()} cores",
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "memory_mb": memory,
            "pages": pages,
            "failure_details": result["login_errors"] + result["errors"],
            "login_figures": result["logins"],
        }
        misses = []
        if total["requests_per_s"] < TARGET_RPS:
            misses.append(f"requests/s {total['requests_per_s']} < {TARGET_RPS}")
        if total["p95_ms"] >= TARGET_P95_MS:
            misses.append(f"p95 {total['p95_ms']:.0f} ms >= {TARGET_P95_MS}")
        if failures:
            misses.append(f"{failures} failures")
        if result["login_wait_timed_out"]:
            misses.append("not all users logged in within 300 s")
        if sampler.peak_total_rss >= TARGET_MEMORY_MB:
            misses.append(f"total RSS {sampler.peak_total_rss:.0f} MB >= {TARGET_MEMORY_MB}")
        figures["targets"] = "all met" if not misses else "MISSED: " + "; ".join(misses)
        (RESULTS / "load.json").write_text(json.dumps(figures, indent=2, default=str))
        print_table(figures, pages)
        print(f"\nwritten: {RESULTS / 'load.json'}, {prefix}_stats.csv; logs: {LOGS}")
        return 1 if misses else 0
    except KeyboardInterrupt:
        print("interrupted: stopping everything", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the clean-up finish
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop_all()
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
