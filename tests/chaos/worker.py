"""A real Celery worker subprocess for tests: `celery -A crm_project worker` on the test database and
Redis, sending mail to a local sink, killed with SIGKILL when a test says so.

Nothing here assumes a fast or idle machine (docs: tests/chaos/README.md):
- every wait ends on a positive signal (the worker's own "<name>@<host> ready." line, a process
  that is gone) and its deadline is generous and scaled by `CHAOS_TIME_FACTOR` (default 1; e.g. 3 on
  a machine known to be very slow);
- a worker that exits before it is ready is started again (`start_until_ready`), counted, and its log
  shown if the test fails anyway;
- after a kill, `tasks_in_flight()` says from the worker's log which tasks it had received and not
  finished, so a test can require that its kills really hit busy workers.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from crm_project.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

TIME_FACTOR = max(1.0, float(os.environ.get("CHAOS_TIME_FACTOR") or 1))


def scaled(seconds: float) -> float:
    """A deadline, stretched by CHAOS_TIME_FACTOR. Deadlines only bound a wait for a positive signal,
    so a generous one costs nothing when the machine is fast."""
    return seconds * TIME_FACTOR


# A fresh worker imports nothing (forked) or all of Django (CLI): a few seconds idle, far more on a
# loaded machine.
READY_TIMEOUT = 180
# Starts of one worker that may end before it is ready before the test gives up.
EARLY_EXIT_RETRIES = 3

requires_postgres_and_redis = pytest.mark.skipif(
    not (settings.IS_POSTGRES and settings.REDIS_URL),
    reason="a real worker needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)


def test_database_url() -> str:
    """The committed test database (pytest-django's test_<name>) as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def worker_queues() -> list[str]:
    """Every queue a task of ours is routed to (CELERY_TASK_ROUTES through Celery's own router), the
    default queue first. The worker consumes exactly these (`-Q`), as a production worker would, so
    a task routed to another queue (e.g. the mail on "bulk") is never left unconsumed here."""
    celery_app.loader.import_default_modules()
    celery_app.amqp.flush_routes()  # the routes as configured now
    router = celery_app.amqp.Router()
    queues = {celery_app.conf.task_default_queue} | {
        queue.name for queue in celery_app.conf.task_queues or ()
    }
    for name in celery_app.tasks:
        if not name.startswith("celery."):
            queues.add(router.route({}, name)["queue"].name)
    return sorted(queues, key=lambda queue: (queue != celery_app.conf.task_default_queue, queue))


def worker_env(*, sink_url: str, visibility_timeout: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "ops.mail.ResendEmailBackend",
        "ANYMAIL_RESEND_API_KEY": "re_test_key",
        "ANYMAIL_RESEND_API_URL": sink_url,
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "INFO",  # the "ready." and "Task ... received/succeeded" lines are read
        "PYTHONUNBUFFERED": "1",
        "CELERY_SKIP_CHECKS": "1",  # Django's system checks at every start: the suite runs them once
    }
    if visibility_timeout is not None:
        # A killed worker's unacknowledged tasks come back after this many seconds, looked for every second.
        env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        env["CELERY_UNACKED_RESTORE_INTERVAL"] = "1"
        env["CELERY_UNACKED_RESTORE_THROTTLE"] = "1"
    return env


class WorkerExited(RuntimeError):
    """The worker process ended before it said it was ready."""


_TASK_LINE = re.compile(rb"Task [\w.]+\[([0-9a-f-]{36})\] (received|succeeded|failed|retry|raised)")


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


class CeleryWorker:
    """One `celery worker` process group; `kill()` is SIGKILL to all of it (the machine dies)."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        log_path: Path,
        name: str,
        concurrency: int = 2,
        queues: list[str] | None = None,
    ):
        self.env = env
        self.log_path = log_path
        self.name = name
        self.concurrency = concurrency
        self.queues = queues or worker_queues()
        self.process: subprocess.Popen | None = None
        self.log_start = self._log_size()

    def _log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def start(self) -> "CeleryWorker":
        self.log_start = self._log_size()
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "crm_project", "worker", "--pool=prefork",
                f"--concurrency={self.concurrency}", "--loglevel=INFO", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-Q", ",".join(self.queues),
                "-n", f"{self.name}@%h",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _log(self) -> bytes:
        """What this worker wrote (its log file may hold an earlier worker's lines before)."""
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(self.log_start)
                return handle.read()
        except FileNotFoundError:
            return b""

    def ready(self) -> bool:
        """The worker said "<name>@<host> ready.": it consumes from its queues from now on."""
        return re.search(rb"\b" + re.escape(self.name.encode()) + rb"@\S+ ready\.", self._log()) is not None

    def wait_ready(self, timeout: float | None = None) -> "CeleryWorker":
        """Until the worker says it is ready. `WorkerExited` if it ends first, `TimeoutError` if it
        neither starts nor ends within the (scaled) deadline; both carry the end of its log."""
        timeout = scaled(READY_TIMEOUT) if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            if self.ready():
                return self
            if not self.alive:
                if self.ready():  # it said so just before it was killed
                    return self
                raise WorkerExited(
                    f"worker {self.name} exited before it was ready ({self.log_path}):\n{log_tail(self.log_path)}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"worker {self.name} not ready in {timeout:.0f} s ({self.log_path}):\n"
                    f"{log_tail(self.log_path)}"
                )
            time.sleep(0.1)

    def tasks_in_flight(self) -> set[str]:
        """Ids of the tasks this worker received and had not finished (not acknowledged: the broker
        redelivers them) by the time of its last log line; after a SIGKILL, what the kill cut off."""
        state: dict[bytes, bytes] = {}
        for task_id, what in _TASK_LINE.findall(self._log()):
            state[task_id] = what
        return {task_id.decode() for task_id, what in state.items() if what == b"received"}

    def kill(self) -> None:
        """SIGKILL the whole process group: main process and pool children, no chance to clean up."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=scaled(60))

    def stop(self) -> None:
        """Warm shutdown, then SIGKILL if it does not end in time. Safe to call twice."""
        if self.process is None or self.process.poll() is not None:
            if self.process is not None:
                self._reap_group()
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=scaled(20))
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        self.kill()
        self._reap_group()

    def _reap_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # orphaned pool children, if any


class EarlyExits:
    """Workers that ended before they were ready and were started again: counted, and their logs kept
    for the report if the test fails anyway."""

    def __init__(self):
        self.workers: list[CeleryWorker] = []

    def __len__(self) -> int:
        return len(self.workers)

    def report(self) -> str:
        return "\n".join(
            f"--- {worker.name} exited before it was ready ({worker.log_path}):\n{log_tail(worker.log_path)}"
            for worker in self.workers
        )


def start_until_ready(
    start: Callable[[str], CeleryWorker],
    name: str,
    early_exits: EarlyExits,
    *,
    retries: int = EARLY_EXIT_RETRIES,
) -> CeleryWorker:
    """`start(name)` and wait until the worker is ready; one that exits first is started again under
    a new name (`name-r1`, ...), at most `retries` times. A worker that never gets ready fails the test
    with its log: a slow start is waited for, a broken one is not hidden."""
    for attempt in range(retries + 1):
        worker = start(name if attempt == 0 else f"{name}-r{attempt}")
        try:
            return worker.wait_ready()
        except WorkerExited:
            early_exits.workers.append(worker)
            if attempt == retries:
                raise
    raise AssertionError("unreachable")


def broker_idle(client, queues: list[str]) -> bool:
    """Nothing waits in our queues and nothing is unacknowledged (held by a worker, or by a dead
    worker until the visibility timeout hands it back)."""
    keys = [key for queue in queues for key in (queue, *client.scan_iter(f"{queue}\x06\x16*"))]
    waiting = sum(client.llen(key) for key in keys)
    return waiting == 0 and client.zcard("unacked_index") == 0 and client.hlen("unacked") == 0


def clear_broker() -> None:
    """Empty our Redis db's queues, including unacknowledged tasks a killed worker left behind."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    queues = worker_queues()
    for key in client.scan_iter("*"):
        name = key.decode(errors="replace")
        # A queue's key is its name; kombu keeps priorities in "<name>\x06\x16<priority>".
        if (
            name in ("unacked", "unacked_index", "unacked_mutex")
            or name.startswith("_kombu")
            or name.split("\x06\x16")[0] in queues
        ):
            client.delete(key)


class BrokerEnqueue:
    """Inside this block `.delay()` goes to Redis for the worker (the test settings run tasks eagerly)."""

    def __enter__(self):
        self.was = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False
        return self

    def __exit__(self, *exc):
        celery_app.conf.task_always_eager = self.was


LAUNCHER = """
import os, signal, sys
import django
django.setup()
from django.conf import settings
from django.db import connections
from django.utils import translation
from crm_project.celery import app
app.loader.import_default_modules()
# Every worker forked below renders with the catalogues read here, once: a .mo file compiled again
# during a run cannot make a resend's text differ from the first send's.
for code, _name in settings.LANGUAGES:
    translation.activate(code)
translation.deactivate()
connections.close_all()
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # dead workers are reaped at once
for line in sys.stdin:
    name, log_path, pool, concurrency, queues = line.split()
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.setsid()
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(ready_w, b"1")  # the parent answers only now: the process group exists
        os.close(ready_w)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            app.worker_main(["worker", f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
                             "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queues,
                             "-n", f"{name}@%h"])
        finally:
            os._exit(0)
    os.close(ready_w)
    os.read(ready_r, 1)  # b"" if the child died first: its pid is printed all the same
    os.close(ready_r)
    print(pid, flush=True)
"""


class WorkerLauncher:
    """Starts real Celery workers quickly: one process imports Django and the tasks once, then forks a
    fresh `celery worker` (`app.worker_main`, what the command line runs) per request, each in its own
    session. A restart then costs about a second instead of the several seconds of imports.

    The pid comes back only once the child has its own process group (before, "is any process of its
    group alive?" would say no, and a worker not yet scheduled on a busy machine looked dead)."""

    def __init__(self, *, env: dict[str, str], log_path: Path):
        self.queues = worker_queues()
        log = open(log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.log_path = log_path

    def start(
        self, *, name: str, log_path: Path, pool: str = "prefork", concurrency: int = 2
    ) -> "ForkedWorker":
        self.process.stdin.write(f"{name} {log_path} {pool} {concurrency} {','.join(self.queues)}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()  # no deadline: the launcher answers or dies
        if not line.strip():
            raise RuntimeError(f"the worker launcher died:\n{log_tail(self.log_path)}")
        return ForkedWorker(pid=int(line), name=name, log_path=log_path, queues=self.queues)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=scaled(60))


class ForkedWorker(CeleryWorker):
    """A worker forked by `WorkerLauncher`: the same kill/stop, by process group, without a Popen."""

    def __init__(self, *, pid: int, name: str, log_path: Path, queues: list[str]):
        super().__init__(env={}, log_path=log_path, name=name, queues=queues)
        self.log_start = 0  # the launcher may have written already: each forked worker has its own log
        self.pid = pid

    @property
    def alive(self) -> bool:
        """Any living (not zombie) process left in the worker's process group."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rpartition(")")[2].split()
                if int(fields[2]) == self.pid and fields[0] != "Z":
                    return True
        return False

    def _signal_and_wait(self, signum: int, timeout: float) -> bool:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        if not self._signal_and_wait(signal.SIGKILL, scaled(60)):
            raise TimeoutError(f"worker {self.name} still runs {scaled(60):.0f} s after SIGKILL")

    def stop(self) -> None:
        if not self._signal_and_wait(signal.SIGTERM, scaled(20)):
            self.kill()
