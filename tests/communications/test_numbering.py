import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase

from communications.models import Communication, Task
from tests.communications import factories
from tests.factories import CompanyFactory, member

BUDAPEST = ZoneInfo("Europe/Budapest")


class NumberingTests(TestCase):
    def test_series_per_direction_year_and_company(self):
        alfa, beta = CompanyFactory(), CompanyFactory()
        user = member(alfa)
        member(beta, user=user)
        with time_machine.travel(datetime(2026, 12, 31, 23, 0, tzinfo=BUDAPEST), tick=False):
            first_in = factories.communication(alfa, user, direction="in")
            first_out = factories.communication(alfa, user, direction="out")
            second_in = factories.communication(alfa, user, direction="in")
            other_company = factories.communication(beta, user, direction="in")
            first_task = factories.task(alfa, user)
        with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=BUDAPEST), tick=False):
            new_year = factories.communication(alfa, user, direction="in")
        self.assertEqual(
            [first_in.number, first_out.number, second_in.number, other_company.number, first_task.number],
            ["IN-2026-000001", "OUT-2026-000001", "IN-2026-000002", "IN-2026-000001", "T-2026-000001"],
        )
        self.assertEqual(new_year.number, "IN-2027-000001")

    def test_a_failed_save_leaves_no_gap(self):
        company = CompanyFactory()
        user = member(company)
        factories.communication(company, user)
        with pytest.raises(KeyError):
            factories.communication(company, user, direction="sideways")
        self.assertEqual(factories.communication(company, user).number[-6:], "000002")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
class ConcurrentNumberingTests(TransactionTestCase):
    def test_concurrent_creation_gives_no_duplicate_and_no_gap(self):
        company = CompanyFactory()
        user = member(company)
        workers, per_worker = 6, 5
        barrier = threading.Barrier(workers)
        errors = []

        def create_many():
            try:
                barrier.wait()
                for index in range(per_worker):
                    if index % 2:
                        factories.task(company, user)
                    else:
                        factories.communication(company, user, direction="in")
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=create_many) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        incoming = sorted(int(n[-6:]) for n in Communication.objects.values_list("number", flat=True))
        tasks = sorted(int(n[-6:]) for n in Task.objects.values_list("number", flat=True))
        self.assertEqual(incoming, list(range(1, workers * 3 + 1)))
        self.assertEqual(tasks, list(range(1, workers * 2 + 1)))
