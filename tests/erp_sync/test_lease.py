"""The import's lease lock: short, renewed while the run lives, taken over soon after its worker dies;
the dead run is marked abandoned with its last page; the admin shows the holder and can release it."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.test import TestCase, override_settings
from django.utils import timezone

from devtools.simulators.erp import ErpData, start_simulator
from erp_sync.connectors.http import HttpConnector
from erp_sync.importer import acquire_lock, run_import
from erp_sync.models import RunStatus, SyncRun, SyncState
from partners.models import Partner
from tests.chaos.worker import test_database_url
from tests.factories import CompanyFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


class LeaseTests(TestCase):
    def setUp(self):
        CompanyFactory(code="alfa")
        self.data = ErpData()
        self.data.seed(12, companies=("alfa",))
        self.server = start_simulator(data=self.data, api_key="k")
        self.addCleanup(self.server.stop)

    def connector(self):
        return HttpConnector(base_url=self.server.url, api_key="k", page_size=5)

    @override_settings(ERP_LOCK_SECONDS=90)
    def test_the_lease_is_short_and_renewed_with_every_page(self):
        seen = []

        def progress(kind, page, page_counts, counts):
            state = SyncState.objects.select_related("run").get()
            seen.append((state.locked_until - timezone.now(), state.run.last_kind, state.run.last_page))

        run = run_import(full=True, connector=self.connector(), progress=progress)
        self.assertEqual(run.status, RunStatus.SUCCEEDED, run.error)
        for left, _kind, _page in seen:
            self.assertLessEqual(left, timedelta(seconds=90))
            self.assertGreater(left, timedelta(seconds=60))
        self.assertEqual(seen[2][1:], ("partners", 3))  # the run records the last page it committed
        run.refresh_from_db()
        self.assertEqual((run.host != "", run.pid), (True, os.getpid()))
        self.assertEqual(SyncState.objects.get().locked_by, "")  # released at the end

    def test_a_run_skipped_for_the_lock_names_who_holds_it_and_until_when(self):
        holder = SyncRun.objects.create(host="worker-7", pid=4242, heartbeat_at=timezone.now())
        self.assertTrue(acquire_lock("someone", holder))
        skipped = run_import(connector=self.connector())
        self.assertEqual(skipped.status, RunStatus.SKIPPED)
        self.assertIn(f"run {holder.pk} on worker-7 (process 4242)", skipped.error)
        holder.refresh_from_db()
        self.assertEqual(holder.status, RunStatus.RUNNING)  # alive: its lease runs

    def test_an_expired_lease_is_taken_over_and_the_dead_run_marked_abandoned_with_its_last_page(self):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            dead = SyncRun.objects.create(host="worker-7", pid=4242, heartbeat_at=start)
            SyncRun.objects.filter(pk=dead.pk).update(last_kind="invoices", last_page=7)
            self.assertTrue(acquire_lock("dead-worker", dead))
        with time_machine.travel(start + timedelta(seconds=settings.ERP_LOCK_SECONDS + 1)):
            run = run_import(full=True, connector=self.connector())
        self.assertEqual(run.status, RunStatus.SUCCEEDED, run.error)
        dead.refresh_from_db()
        self.assertEqual(dead.status, RunStatus.ABANDONED)
        self.assertEqual(dead.get_status_display(), "Abandoned: its worker stopped")
        self.assertIn("invoices page 7", dead.error)
        self.assertIn(f"Run {run.pk} took over", dead.error)
        self.assertEqual(dead.finished_at, start)  # its last sign of life


@override_settings(ERP_LOCK_SECONDS=90)
class LockAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="root", first_name="Ada", last_name="Admin")
        cls.admin.is_staff = cls.admin.is_superuser = True
        cls.admin.save()

    def setUp(self):
        self.client.force_login(self.admin)
        self.run = SyncRun.objects.create(host="worker-7", pid=4242, heartbeat_at=timezone.now())
        SyncRun.objects.filter(pk=self.run.pk).update(last_kind="partners", last_page=12)
        acquire_lock("owner-1", self.run)
        self.state = SyncState.objects.get()

    def test_the_run_list_shows_the_lock_holder_and_its_expiry(self):
        response = self.client.get("/admin/erp_sync/syncrun/")
        until = timezone.localtime(self.state.locked_until).strftime("%Y-%m-%d %H:%M:%S")
        self.assertContains(
            response, f"Import lock: held by run {self.run.pk} on worker-7 (process 4242) until {until}"
        )
        self.assertContains(response, "/admin/erp_sync/syncstate/")
        self.assertContains(response, "partners page 12")

    def test_the_run_list_marks_a_run_whose_worker_died_abandoned(self):
        later = timezone.now() + timedelta(seconds=91)
        with time_machine.travel(later):
            response = self.client.get("/admin/erp_sync/syncrun/")
        self.assertContains(response, "stopped renewing it")
        self.run.refresh_from_db()
        self.assertEqual(self.run.status, RunStatus.ABANDONED)
        self.assertContains(response, "Abandoned: its worker stopped")

    def test_release_asks_first_then_frees_the_lock_and_is_audited(self):
        url = "/admin/erp_sync/syncstate/"
        listing = self.client.get(url)
        self.assertContains(listing, f"run {self.run.pk} on worker-7 (process 4242)")
        form = {"action": "release_lock", "_selected_action": [self.state.pk]}
        confirm = self.client.post(url, form)
        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "Release the ERP import lock?")
        self.assertContains(confirm, "the run may still be alive")
        self.assertTrue(SyncState.objects.get().locked_by)  # nothing released yet

        done = self.client.post(url, {**form, "confirm": "yes", "owner": "owner-1"}, follow=True)
        self.assertContains(done, "The lock is released")
        state = SyncState.objects.get()
        self.assertEqual((state.locked_by, state.locked_until, state.run), ("", None, None))
        self.run.refresh_from_db()
        self.assertEqual(self.run.status, RunStatus.ABANDONED)
        self.assertIn("Ada Admin released its lock", self.run.error)
        self.assertIn("partners page 12", self.run.error)
        entry = LogEntry.objects.get_for_object(state).get(action=LogEntry.Action.UPDATE)
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.changes["locked_by"], ["owner-1", ""])
        self.assertEqual(run_import(connector=HttpConnector(base_url="http://127.0.0.1:9", api_key="k",
                                                            timeout=1)).status, RunStatus.FAILED)  # fmt: skip

    def test_a_lock_that_changed_hands_after_the_confirmation_is_not_released(self):
        SyncState.objects.update(locked_by="owner-2")  # a new run took over meanwhile
        form = {"action": "release_lock", "_selected_action": [self.state.pk], "confirm": "yes"}
        done = self.client.post("/admin/erp_sync/syncstate/", {**form, "owner": "owner-1"}, follow=True)
        self.assertContains(done, "changed hands in the meantime")
        self.assertEqual(SyncState.objects.get().locked_by, "owner-2")
        self.assertFalse(
            LogEntry.objects.get_for_object(self.state).filter(action=LogEntry.Action.UPDATE).exists()
        )


# A real import process killed with SIGKILL ------------------------------------------------------


class StallingErpData(ErpData):
    """Partner pages from `stall_from` on wait until `go` is set: the run sits in one long page."""

    def __init__(self, stall_from: int):
        super().__init__()
        self.stall_from = stall_from
        self.go = threading.Event()

    def page(self, kind, since, page, size):
        if kind == "partners" and page >= self.stall_from:
            self.go.wait(timeout=300)
        return super().page(kind, since, page, size)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="the import process needs the PostgreSQL test database")
@pytest.mark.django_db(transaction=True)
def test_a_killed_import_is_taken_over_after_its_short_lease_and_marked_abandoned(tmp_path, settings):
    lease = 15  # renewed every 2 s: a starved process still renews several times within one lease
    settings.ERP_LOCK_SECONDS = lease
    CompanyFactory(code="alfa")
    data = StallingErpData(stall_from=4)
    data.seed(40, companies=("alfa",))
    server = start_simulator(data=data, api_key="k")
    env = {
        **os.environ, "DATABASE_URL": test_database_url(), "ERP_API_URL": server.url, "ERP_API_KEY": "k",
        "ERP_PAGE_SIZE": "5", "ERP_TIMEOUT": "600", "ERP_LOCK_SECONDS": str(lease),
        "ERP_LOCK_RENEW_SECONDS": "2", "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend", "LOG_FORMAT": "plain",
    }  # fmt: skip
    env.pop("REDIS_URL", None)
    log_path = tmp_path / "import.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "erp_import", "--full"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        # Three partner pages committed, then the fourth page hangs in the ERP.
        run = wait_for(
            lambda: SyncRun.objects.filter(status=RunStatus.RUNNING, last_page=3).first(),
            180,
            f"the import to commit its third page (log: {log_path.read_text()[-2000:]})",
        )
        # The page takes longer than the lease, yet the run keeps the lock: the heartbeat renews it.
        page_done = run.heartbeat_at
        wait_for(
            lambda: SyncRun.objects.get(pk=run.pk).heartbeat_at > page_done + timedelta(seconds=lease + 1),
            120,
            "the heartbeat to renew the lease during the long page",
        )
        state = SyncState.objects.select_related("run").get()
        assert state.run == run and state.is_locked

        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        killed_at = timezone.now()

        state = SyncState.objects.get()
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING  # a killed process records nothing
        assert state.run_id == run.pk
        # The lease ends at most one lease after the kill: short, not 30 minutes.
        assert state.locked_until <= killed_at + timedelta(seconds=lease + 1)
        connector = HttpConnector(base_url=server.url, api_key="k", page_size=5)
        if state.locked_until > timezone.now() + timedelta(seconds=1):
            skipped = run_import(full=True, connector=connector)
            if state.locked_until > timezone.now():  # still inside the lease when it asked
                assert skipped.status == RunStatus.SKIPPED
                assert f"run {run.pk} on " in skipped.error

        data.go.set()
        wait_for(lambda: timezone.now() > state.locked_until, lease + 60, "the lease to run out")
        taken_over = run_import(full=True, connector=connector)
        assert taken_over.status == RunStatus.SUCCEEDED, taken_over.error
        assert Partner.objects.count() == 40

        run.refresh_from_db()
        assert run.status == RunStatus.ABANDONED
        assert (run.last_kind, run.last_page) == ("partners", 3)
        assert "partners page 3" in run.error and f"Run {taken_over.pk} took over" in run.error
        assert run.finished_at is not None
    finally:
        data.go.set()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        server.stop()
