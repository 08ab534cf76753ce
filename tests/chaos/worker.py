"""A real Celery worker subprocess for tests: `celery -A crm_project worker` on the test database and
Redis, sending mail to a local sink, killed with SIGKILL when a test says so."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from crm_project.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

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


def worker_env(*, sink_url: str, visibility_timeout: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "core.mail.ResendEmailBackend",
        "ANYMAIL_RESEND_API_KEY": "re_test_key",
        "ANYMAIL_RESEND_API_URL": sink_url,
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "CELERY_SKIP_CHECKS": "1",  # Django's system checks at every start: the suite runs them once
    }
    if visibility_timeout is not None:
        # A killed worker's unacknowledged tasks come back after this many seconds, looked for every second.
        env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        env["CELERY_UNACKED_RESTORE_INTERVAL"] = "1"
        env["CELERY_UNACKED_RESTORE_THROTTLE"] = "1"
    return env


class CeleryWorker:
    """One `celery worker` process group; `kill()` is SIGKILL to all of it (the machine dies)."""

    def __init__(self, *, env: dict[str, str], log_path: Path, name: str, concurrency: int = 2):
        self.env = env
        self.log_path = log_path
        self.name = name
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "crm_project", "worker", "--pool=prefork",
                f"--concurrency={self.concurrency}", "--loglevel=INFO", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-n", f"{self.name}@%h",
            ],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 60) -> None:
        """Until the worker logs that it is ready (it then consumes from Redis)."""
        deadline = time.monotonic() + timeout
        start = self.log_path.stat().st_size if self.log_path.exists() else 0
        while time.monotonic() < deadline:
            if self._ready_seen(start):
                return
            if not self.alive:
                raise RuntimeError(f"worker {self.name} exited: see {self.log_path}")
            time.sleep(0.1)
        raise TimeoutError(f"worker {self.name} not ready in {timeout} s: see {self.log_path}")

    def _ready_seen(self, start: int) -> bool:
        if not self.log_path.exists():
            return False
        with open(self.log_path, "rb") as handle:
            handle.seek(start)
            return b" ready." in handle.read()

    def kill(self) -> None:
        """SIGKILL the whole process group: main process and pool children, no chance to clean up."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown, then SIGKILL if it does not end in 10 seconds. Safe to call twice."""
        if self.process is None or self.process.poll() is not None:
            if self.process is not None:
                self._reap_group()
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            pass
        self.kill()
        self._reap_group()

    def _reap_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # orphaned pool children, if any


def clear_broker() -> None:
    """Empty our Redis db's queues, including unacknowledged tasks a killed worker left behind."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter("*"):
        name = key.decode()
        if name in ("celery", "unacked", "unacked_index", "unacked_mutex") or name.startswith("_kombu"):
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
from django.db import connections
from crm_project.celery import app
app.loader.import_default_modules()
connections.close_all()
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # dead workers are reaped at once
for line in sys.stdin:
    name, log_path, pool, concurrency = line.split()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            app.worker_main(["worker", f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
                             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"])
        finally:
            os._exit(0)
    print(pid, flush=True)
"""


class WorkerLauncher:
    """Starts real Celery workers quickly: one process imports Django and the tasks once, then forks a
    fresh `celery worker` (`app.worker_main`, what the command line runs) per request, each in its own
    session. A restart then costs about a second instead of the several seconds of imports."""

    def __init__(self, *, env: dict[str, str], log_path: Path):
        log = open(log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
        )  # fmt: skip
        log.close()

    def start(
        self, *, name: str, log_path: Path, pool: str = "prefork", concurrency: int = 2
    ) -> "ForkedWorker":
        self.process.stdin.write(f"{name} {log_path} {pool} {concurrency}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line.strip():
            raise RuntimeError("the worker launcher died")
        return ForkedWorker(pid=int(line), name=name, log_path=log_path)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


class ForkedWorker(CeleryWorker):
    """A worker forked by `WorkerLauncher`: the same kill/stop, by process group, without a Popen."""

    def __init__(self, *, pid: int, name: str, log_path: Path):
        super().__init__(env={}, log_path=log_path, name=name)
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
        self._signal_and_wait(signal.SIGKILL, 10)

    def stop(self) -> None:
        if not self._signal_and_wait(signal.SIGTERM, 10):
            self.kill()
