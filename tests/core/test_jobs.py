"""Periodic jobs run once per slot (two beats, restarts, redelivery) and final failures are recorded."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from celery import shared_task
from celery.schedules import crontab, schedule
from django.test import TestCase, TransactionTestCase
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from crm_project.celery import app as celery_app
from ops.beat import SlotScheduler
from ops.jobs import SKIPPED, SLOT_HEADER, slot_for
from ops.models import JobRun, TaskFailure

BUDAPEST = ZoneInfo("Europe/Budapest")
RUNS: list[str] = []


@shared_task(name="tests.core.test_jobs.count_run")
def count_run(label: str = "run") -> str:
    RUNS.append(label)
    return f"ran {label}"


@shared_task(name="tests.core.test_jobs.always_fails")
def always_fails() -> None:
    raise RuntimeError("the ERP said no")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BUDAPEST)


class SlotForTests(TestCase):
    def test_a_daily_job_sent_late_belongs_to_that_mornings_slot(self):
        daily = crontab(minute="0", hour="7")
        self.assertEqual(slot_for(daily, at(2026, 11, 30, 7, 3, 41)), at(2026, 11, 30, 7, 0))
        self.assertEqual(slot_for(daily, at(2026, 11, 30, 9, 12)), at(2026, 11, 30, 7, 0))
        # Before 07:00 the latest slot is yesterday's.
        self.assertEqual(slot_for(daily, at(2026, 11, 30, 6, 59)), at(2026, 11, 29, 7, 0))

    def test_every_five_minutes_and_weekday_fields(self):
        self.assertEqual(
            slot_for(crontab(minute="*/5"), at(2026, 11, 30, 12, 7, 59)), at(2026, 11, 30, 12, 5)
        )
        mondays = crontab(minute="0", hour="6", day_of_week="1")
        # Sunday 6 Dec 2026 -> Monday 30 Nov.
        self.assertEqual(slot_for(mondays, at(2026, 12, 6, 20, 0)), at(2026, 11, 30, 6, 0))

    def test_the_spring_dst_gap_is_crossed(self):
        # 29 Mar 2026: Budapest clocks jump from 02:00 to 03:00; the 02:30 slot does not exist.
        daily_0230 = crontab(minute="30", hour="2")
        slot = slot_for(daily_0230, at(2026, 3, 29, 4, 0))
        self.assertEqual(slot, at(2026, 3, 28, 2, 30))

    def test_an_interval_schedule_rounds_down(self):
        every_ten = schedule(timedelta(minutes=10))
        now = datetime(2026, 11, 30, 10, 27, 5, tzinfo=ZoneInfo("UTC"))
        self.assertEqual(slot_for(every_ten, now), datetime(2026, 11, 30, 10, 20, tzinfo=ZoneInfo("UTC")))


class OncePerSlotTests(TestCase):
    def setUp(self):
        RUNS.clear()
        self.slot = at(2026, 11, 30, 7, 0).isoformat()

    def test_a_second_copy_of_the_same_slot_is_skipped(self):
        first = count_run.apply_async(["beat-1"], headers={SLOT_HEADER: self.slot})
        second = count_run.apply_async(["beat-2"], headers={SLOT_HEADER: self.slot})
        self.assertEqual(first.get(), "ran beat-1")
        self.assertEqual(second.get(), SKIPPED)
        self.assertEqual(RUNS, ["beat-1"])
        run = JobRun.objects.get()
        self.assertEqual((run.task, run.status, run.result), (count_run.name, "done", "ran beat-1"))
        self.assertEqual(run.slot, at(2026, 11, 30, 7, 0))

    def test_the_next_slot_runs_again(self):
        count_run.apply_async(["07:00"], headers={SLOT_HEADER: self.slot})
        count_run.apply_async(["next day"], headers={SLOT_HEADER: at(2026, 12, 1, 7, 0).isoformat()})
        self.assertEqual(RUNS, ["07:00", "next day"])

    def test_a_redelivery_after_a_dead_worker_finishes_the_slot(self):
        # The worker died mid-run: the row is still "running" under the message's task id.
        JobRun.objects.create(
            task=count_run.name, slot=at(2026, 11, 30, 7, 0), task_id="msg-1", started_at=timezone.now()
        )
        result = count_run.apply_async(["redelivered"], headers={SLOT_HEADER: self.slot}, task_id="msg-1")
        self.assertEqual(result.get(), "ran redelivered")
        run = JobRun.objects.get()
        self.assertEqual((run.status, run.attempts), ("done", 2))
        # ...but once done, even the same message does nothing more.
        again = count_run.apply_async(["again"], headers={SLOT_HEADER: self.slot}, task_id="msg-1")
        self.assertEqual(again.get(), SKIPPED)
        self.assertEqual(RUNS, ["redelivered"])

    def test_without_a_slot_a_task_runs_every_time(self):
        count_run.delay("a")
        count_run.delay("b")
        self.assertEqual(RUNS, ["a", "b"])
        self.assertFalse(JobRun.objects.exists())

    def test_a_malformed_slot_header_is_ignored_not_fatal(self):
        result = count_run.apply_async(["x"], headers={SLOT_HEADER: "not a date"})
        self.assertEqual(result.get(), "ran x")


class FailureTests(TestCase):
    def test_a_failed_slot_and_the_final_failure_are_recorded_for_admins(self):
        slot = at(2026, 11, 30, 7, 15).isoformat()
        result = always_fails.apply_async(headers={SLOT_HEADER: slot})
        self.assertEqual(result.state, "FAILURE")
        run = JobRun.objects.get()
        self.assertEqual(run.status, "failed")
        self.assertIn("the ERP said no", run.error)
        failure = TaskFailure.objects.get()
        self.assertEqual(failure.task, always_fails.name)
        self.assertIn("RuntimeError: the ERP said no", failure.exception)
        self.assertIn("raise RuntimeError", failure.traceback)

    def test_admins_see_runs_and_failures(self):
        from tests.factories import UserFactory

        always_fails.delay()
        count_run.apply_async(["x"], headers={SLOT_HEADER: at(2026, 11, 30, 7, 0).isoformat()})
        admin = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        failures = self.client.get("/admin/ops/taskfailure/")
        self.assertContains(failures, "the ERP said no")
        runs = self.client.get("/admin/ops/jobrun/", {"status__exact": "done"})
        self.assertContains(runs, count_run.name)
        # Read-only: nobody adds or edits a record by hand.
        self.assertEqual(self.client.get("/admin/ops/taskfailure/add/").status_code, 403)


class BeatTests(TransactionTestCase):
    """The real django-celery-beat scheduler, as beat runs it (tasks execute eagerly in the tests).

    A TransactionTestCase: the scheduler calls close_old_connections(), which closes a connection that
    is inside a test's transaction.
    """

    def setUp(self):
        RUNS.clear()
        every_five = CrontabSchedule.objects.create(minute="*/5", hour="*", timezone="Europe/Budapest")
        PeriodicTask.objects.create(name="count", task=count_run.name, crontab=every_five, args='["beat"]')

    def _scheduler(self) -> SlotScheduler:
        return SlotScheduler(app=celery_app)

    def test_two_beat_processes_run_a_slot_once(self):
        with time_machine.travel(at(2026, 11, 30, 12, 5, 2), tick=False):
            first, second = self._scheduler(), self._scheduler()
            first.apply_async(first.schedule["count"])
        with time_machine.travel(at(2026, 11, 30, 12, 5, 9), tick=False):
            second.apply_async(second.schedule["count"])
        self.assertEqual(RUNS, ["beat"])
        run = JobRun.objects.get()
        self.assertEqual(run.slot, at(2026, 11, 30, 12, 5))

    def test_a_missed_slot_is_caught_up_once_after_a_restart(self):
        task = PeriodicTask.objects.get(name="count")
        # Beat last ran at 12:00, then was down for 40 minutes (7 slots missed).
        PeriodicTask.objects.filter(pk=task.pk).update(last_run_at=at(2026, 11, 30, 12, 0, 1))
        with time_machine.travel(at(2026, 11, 30, 12, 41, 30), tick=False):
            scheduler = self._scheduler()
            entry = scheduler.schedule["count"]
            self.assertTrue(entry.is_due().is_due)
            # What beat's tick() does with a due entry, then its periodic sync to the database.
            next_entry = scheduler.reserve(entry)
            scheduler.apply_entry(entry)
            self.assertFalse(next_entry.is_due().is_due)
            # Another beat that had read the schedule before the sync sends the same slot: skipped.
            other = self._scheduler()
            stale = other.schedule["count"]
            other.apply_entry(stale)
            scheduler.sync()
            # After a restart the caught-up slot is not due again.
            self.assertFalse(self._scheduler().schedule["count"].is_due().is_due)
        self.assertEqual(RUNS, ["beat"])
        self.assertEqual(JobRun.objects.get().slot, at(2026, 11, 30, 12, 40))


class PruneTests(TestCase):
    def test_old_runs_go_recent_ones_and_recent_failures_stay(self):
        from ops.tasks import prune_job_runs

        now = timezone.now()

        def run(days: int, status: str) -> JobRun:
            slot = now - timedelta(days=days)
            return JobRun.objects.create(
                task=f"t{days}{status}", slot=slot, task_id="x", status=status, started_at=slot
            )

        keep = {run(1, "done").pk, run(40, "failed").pk}
        run(31, "done")
        run(91, "failed")
        TaskFailure.objects.create(task="t", task_id="x", exception="e", failed_at=now - timedelta(days=91))
        recent_failure = TaskFailure.objects.create(task="t", task_id="y", exception="e", failed_at=now)
        self.assertEqual(prune_job_runs(), {"job_runs": 2, "task_failures": 1})
        self.assertEqual(set(JobRun.objects.values_list("pk", flat=True)), keep)
        self.assertEqual(list(TaskFailure.objects.all()), [recent_failure])
        self.assertEqual(prune_job_runs(), {"job_runs": 0, "task_failures": 0})  # twice: same result
