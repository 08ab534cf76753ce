"""The worker harness itself holds on a busy machine: a forked worker is a process group as soon as its
pid is known, a worker that exits before it is ready is started again and counted, the kills can be
told apart by what they cut off, and the worker consumes every queue our tasks are routed to."""

import os

import pytest
from django.conf import settings

from crm_project.celery import app as celery_app
from tests.chaos.worker import (
    EarlyExits,
    ForkedWorker,
    WorkerExited,
    WorkerLauncher,
    clear_broker,
    requires_postgres_and_redis,
    start_until_ready,
    worker_env,
    worker_queues,
)


@pytest.fixture
def launcher(tmp_path):
    clear_broker()
    launcher = WorkerLauncher(
        env=worker_env(sink_url="http://127.0.0.1:9/", visibility_timeout=3),
        log_path=tmp_path / "launcher.log",
    )
    started: list[ForkedWorker] = []

    def start(name: str) -> ForkedWorker:
        worker = launcher.start(name=name, log_path=tmp_path / f"{name}.log", pool="solo", concurrency=1)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    launcher.close()
    clear_broker()


@pytest.mark.chaos
@requires_postgres_and_redis
@pytest.mark.django_db
def test_a_forked_worker_is_its_own_process_group_as_soon_as_its_pid_is_known(launcher):
    # The launcher used to print the pid before the child's setsid(): a child not yet scheduled (a
    # busy machine) had no process group, so "alive?" said no and the test failed with "worker
    # chaos08 exited" before it was ready. Half of all starts lost that race even on an idle machine.
    for n in range(10):
        worker = launcher(f"w{n}")
        assert os.getpgid(worker.pid) == worker.pid
        assert worker.alive
        if n < 9:
            worker.kill()
    worker.wait_ready()
    worker.kill()
    assert not worker.alive


@pytest.mark.chaos
@requires_postgres_and_redis
@pytest.mark.django_db
def test_a_worker_that_exits_before_it_is_ready_is_started_again_and_counted(launcher):
    def start(name: str) -> ForkedWorker:
        worker = launcher(name)
        if name == "w":  # the first start dies before it is ready
            worker.kill()
        return worker

    early_exits = EarlyExits()
    worker = start_until_ready(start, "w", early_exits)
    assert worker.name == "w-r1" and worker.alive and worker.ready()
    assert [exited.name for exited in early_exits.workers] == ["w"]
    assert "w exited before it was ready" in early_exits.report()

    def always_dies(name: str) -> ForkedWorker:
        worker = launcher(name)
        worker.kill()
        return worker

    with pytest.raises(WorkerExited, match="worker x-r1 exited before it was ready"):
        start_until_ready(always_dies, "x", early_exits, retries=1)
    assert len(early_exits) == 3


def test_tasks_in_flight_are_the_received_tasks_without_an_end(tmp_path):
    log = tmp_path / "w.log"
    a, b, c, d = (f"{n}" * 8 + "-1111-2222-3333-444444444444" for n in "abcd")
    log.write_text(
        "... INFO celery.apps.worker [-] w@host ready.\n"
        f"... Task receivables.tasks.send_dunning_letter[{a}] received\n"
        f"... Task contacts.tasks.send_gdpr_notice[{b}] received\n"
        f"... Task receivables.tasks.send_dunning_letter[{a}] succeeded in 0.12s: 'sent'\n"
        f"... Task contacts.tasks.send_gdpr_notice[{c}] received\n"
        f"... Task contacts.tasks.send_gdpr_notice[{c}] retry: Retry in 30s\n"
        f"... Task receivables.tasks.run_daily_dunning[{d}] received\n"
        f"... Task receivables.tasks.run_daily_dunning[{d}] raised unexpected: OperationalError()\n"
        f"... Task receivables.tasks.send_dunning_letter[{a}] received\n"  # redelivered
    )
    worker = ForkedWorker(pid=0, name="w", log_path=log, queues=["celery"])
    assert worker.ready()
    assert worker.tasks_in_flight() == {a, b}
    assert not ForkedWorker(pid=0, name="other", log_path=log, queues=["celery"]).ready()


def test_the_worker_consumes_every_queue_our_tasks_are_routed_to(monkeypatch):
    routed = {route["queue"] for route in (getattr(settings, "CELERY_TASK_ROUTES", None) or {}).values()}
    assert worker_queues()[0] == celery_app.conf.task_default_queue
    assert set(worker_queues()) == {celery_app.conf.task_default_queue} | routed

    monkeypatch.setitem(
        celery_app.conf, "task_routes", {"receivables.tasks.send_dunning_letter": {"queue": "letters"}}
    )
    try:
        assert set(worker_queues()) == {celery_app.conf.task_default_queue, "letters"}
    finally:
        monkeypatch.undo()
        celery_app.amqp.flush_routes()
