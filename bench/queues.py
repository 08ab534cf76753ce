"""Queues: with 100,000 GDPR notices waiting on the bulk queue, how long until an ERP push is sent?

    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/queues.py [--notices 100000] [--pushes 5]

1. (Re)creates the PostgreSQL database `crm_bench_queues` (--database-url) and migrates it (not timed).
2. Empties the "celery" and "bulk" queues of the Redis db in REDIS_URL (use a db of its own), then
   publishes N real `contacts.tasks.send_gdpr_notice` messages, routed to "bulk" as in production
   (Celery publishes the first; the rest are copies of it with their own ids, pushed in batches).
   They name notice ids that do not exist: the worker runs the real task (claim by a conditional
   UPDATE, which finds nothing, so no e-mail), so the queue is real and busy but nothing heavy is sent.
3. Starts the ERP simulator (devtools/simulators/erp.py) in a subprocess and the two workers of ./run as
   subprocesses: `-Q celery` and `-Q bulk`, concurrency 1 each, BULK_MAIL_RATE_LIMIT as configured.
4. Once both workers are ready and the bulk worker is draining, hands M partners to the ERP the way
   closing an event does (erp_sync.push.partner_push_after_first_success: push queued after commit)
   and times each until the push is recorded sent (the simulator has the request).
5. Stops the workers and the simulator, empties both queues again (bounded: every wait has a deadline),
   prints a table and writes bench/results/queues.json.
Target (issue 15): a push is sent within 5 s with 100,000 notices queued.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import RESULTS, ROOT, report, setup_django
from erp_import import API_KEY, free_port, recreate_database

TARGET_S = 5.0


def start_worker(queue: str, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(  # noqa: S603 (our interpreter)
            [sys.executable, "-m", "celery", "-A", "crm_project", "worker", "-Q", queue, "-n", f"{queue}@%h",
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_ready(process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if b" ready." in log.read_bytes():
            return
        if process.poll() is not None:
            raise SystemExit(f"a worker exited: see {log}")
        time.sleep(0.2)
    raise SystemExit(f"a worker was not ready in {timeout} s: see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def clear_queues(client) -> None:
    client.delete("celery", "bulk", "unacked", "unacked_index", "unacked_mutex")


def publish_notices(client, task, count: int) -> None:
    """`count` messages exactly as `task.delay(notice_id)` publishes them (the first is published by
    Celery itself and copied, with its own task id, arguments and delivery tag for each), pushed in
    pipelined batches: publishing 100,000 one by one takes minutes on a busy 2-core machine."""
    import base64
    import json
    import uuid

    client.delete("bulk")
    task.delay(0)
    template = json.loads(client.rpop("bulk"))
    first = 10_000_000
    for batch_start in range(0, count, 5_000):
        pipe = client.pipeline(transaction=False)
        for notice_id in range(first + batch_start, first + min(batch_start + 5_000, count)):
            task_id = str(uuid.uuid4())
            message = json.loads(json.dumps(template))
            message["headers"].update(id=task_id, root_id=task_id, argsrepr=f"({notice_id},)")
            body = [[notice_id], {}, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}]
            message["body"] = base64.b64encode(json.dumps(body).encode()).decode()
            message["properties"].update(correlation_id=task_id, delivery_tag=str(uuid.uuid4()))
            pipe.lpush("bulk", json.dumps(message))
        pipe.execute()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/crm_bench_queues")
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--pushes", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("set REDIS_URL to a Redis db of its own, e.g. redis://127.0.0.1:6379/4")
    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    setup_django()

    import redis
    from celery.utils.time import rate
    from django.conf import settings
    from django.db import transaction

    from contacts.tasks import send_gdpr_notice
    from erp_sync.models import PartnerPush, PushStatus
    from erp_sync.push import partner_push_after_first_success
    from partners.models import Partner

    client = redis.Redis.from_url(settings.REDIS_URL)
    clear_queues(client)
    figures: dict = {"notices queued": args.notices, "bulk rate limit": settings.BULK_MAIL_RATE_LIMIT}

    start = time.perf_counter()
    publish_notices(client, send_gdpr_notice, args.notices)
    figures["enqueue s"] = round(time.perf_counter() - start, 1)
    figures["bulk queue length at start"] = client.llen("bulk")

    port = free_port()
    simulator = subprocess.Popen(  # noqa: S603 (our interpreter)
        [sys.executable, "-m", "devtools.simulators.erp", "--port", str(port), "--partners", "10", "--api-key", API_KEY],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    simulator.stdout.readline()
    env = {
        **os.environ, "ERP_API_URL": f"http://127.0.0.1:{port}", "ERP_API_KEY": API_KEY, "ERP_CONNECTOR": "http",
        "LOG_FORMAT": "plain", "CELERY_SKIP_CHECKS": "1", "PYTHONUNBUFFERED": "1",
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    logs = {queue: RESULTS / f"queues-{queue}-worker.log" for queue in ("celery", "bulk")}
    workers = {queue: start_worker(queue, env, log) for queue, log in logs.items()}
    timings: list[float] = []
    try:
        for queue, worker in workers.items():
            wait_ready(worker, logs[queue])
        # The bulk worker is busy draining before the first push.
        deadline = time.monotonic() + 60
        while client.llen("bulk") >= args.notices and time.monotonic() < deadline:
            time.sleep(0.2)
        drain_start, drain_length = time.perf_counter(), client.llen("bulk")
        for n in range(args.pushes):
            partner = Partner.objects.create(name=f"Bench Push {n} Kft.")
            start = time.perf_counter()
            with transaction.atomic():
                push = partner_push_after_first_success(partner)
            deadline = time.monotonic() + 120
            while not PartnerPush.objects.filter(pk=push.pk, status=PushStatus.SENT).exists():
                if time.monotonic() > deadline:
                    raise SystemExit(f"push {n} was not sent in 120 s: see {logs['celery']}")
                time.sleep(0.05)
            timings.append(time.perf_counter() - start)
            time.sleep(1)
        drained = drain_length - client.llen("bulk")
        figures["bulk queue length after the pushes"] = client.llen("bulk")
        figures["bulk notices processed meanwhile (per s)"] = round(
            drained / (time.perf_counter() - drain_start), 1
        )
    finally:
        for worker in workers.values():
            stop(worker)
        simulator.terminate()
        simulator.wait(timeout=10)
        clear_queues(client)
    figures["push sent after (s): each"] = ", ".join(f"{t:.2f}" for t in timings)
    figures["push sent after (s): median / max"] = f"{statistics.median(timings):.2f} / {max(timings):.2f}"
    figures["target"] = f"max < {TARGET_S} s: {'met' if max(timings) < TARGET_S else 'MISSED'}"
    per_second = rate(settings.BULK_MAIL_RATE_LIMIT or None)
    if per_second:
        figures["a push behind them on one shared queue would wait (estimate)"] = (
            f"{args.notices / per_second / 3600:.1f} h ({args.notices} notices at {settings.BULK_MAIL_RATE_LIMIT})"
        )
    report("queues", figures)


if __name__ == "__main__":
    main()
