import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from companies.forms import AddSupervisorForm
from companies.hierarchy import (
    subordinate_ids,
    supervisor_edge_add,
    supervisor_ids,
    would_create_cycle,
)
from companies.models import SupervisorEdge
from tests.factories import CompanyFactory, member, supervise


def build_chain(company, depth):
    """A chain of `depth` supervisor levels below a root; returns [root, level1, ...]."""
    people = [member(company)]
    for _ in range(depth):
        person = member(company)
        supervise(company, people[-1], person)
        people.append(person)
    return people


class SubordinateLookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.chain = build_chain(cls.company, 10)
        # A diamond at the bottom: level 8 and a side manager both supervise "shared".
        cls.side_manager = member(cls.company)
        supervise(cls.company, cls.chain[7], cls.side_manager)
        cls.shared = member(cls.company)
        supervise(cls.company, cls.chain[8], cls.shared)
        supervise(cls.company, cls.side_manager, cls.shared)

    def test_it_finds_everyone_below_at_any_depth(self):
        root = self.chain[0]
        expected = {p.pk for p in self.chain[1:]} | {self.side_manager.pk, self.shared.pk}
        self.assertEqual(subordinate_ids(user_id=root.pk, company_id=self.company.pk), expected)

    def test_diamond_subordinate_is_seen_by_both_supervisors_once(self):
        for boss in (self.chain[8], self.side_manager, self.chain[7]):
            self.assertIn(self.shared.pk, subordinate_ids(user_id=boss.pk, company_id=self.company.pk))
        self.assertEqual(
            supervisor_ids(user_id=self.shared.pk, company_id=self.company.pk),
            {p.pk for p in self.chain[:9]} | {self.side_manager.pk},
        )

    def test_leaf_has_nobody_below(self):
        self.assertEqual(subordinate_ids(user_id=self.shared.pk, company_id=self.company.pk), set())

    def test_query_count_is_the_same_at_depth_2_and_depth_10(self):
        # Expected: one query (the company's edge list), whatever the depth.
        shallow_boss = self.chain[8]  # two levels below them
        deep_boss = self.chain[0]  # ten levels below them
        with CaptureQueriesContext(connection) as shallow:
            shallow_result = subordinate_ids(user_id=shallow_boss.pk, company_id=self.company.pk)
        with CaptureQueriesContext(connection) as deep:
            deep_result = subordinate_ids(user_id=deep_boss.pk, company_id=self.company.pk)
        self.assertEqual(len(shallow_result), 3)  # chain[9], chain[10], shared
        self.assertEqual(len(deep_result), 12)
        self.assertEqual(len(shallow), 1, shallow.captured_queries)
        self.assertEqual(len(deep), len(shallow), deep.captured_queries)

    def test_another_companys_edges_do_not_count(self):
        other = CompanyFactory()
        outsider = member(other)
        member(other, user=self.chain[0])
        supervise(other, self.chain[0], outsider)
        self.assertNotIn(outsider.pk, subordinate_ids(user_id=self.chain[0].pk, company_id=self.company.pk))
        self.assertEqual(subordinate_ids(user_id=self.chain[0].pk, company_id=other.pk), {outsider.pk})

    def test_a_cycle_that_slipped_past_the_guards_ends_the_walk(self):
        # Written around the guards (bulk_create skips clean() and the service): the walk still ends.
        SupervisorEdge.objects.bulk_create(
            [SupervisorEdge(company=self.company, supervisor=self.chain[10], subordinate=self.chain[5])]
        )
        below = subordinate_ids(user_id=self.chain[5].pk, company_id=self.company.pk)
        self.assertEqual(
            below, {person.pk for person in self.chain[6:11]} | {self.shared.pk, self.side_manager.pk}
        )
        self.assertIn(self.chain[0].pk, supervisor_ids(user_id=self.chain[5].pk, company_id=self.company.pk))


class CycleRefusalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.a, cls.b, cls.c = build_chain(cls.company, 2)  # a > b > c

    def test_direct_and_indirect_cycles_are_detected(self):
        self.assertTrue(
            would_create_cycle(company_id=self.company.pk, supervisor_id=self.b.pk, subordinate_id=self.a.pk)
        )
        self.assertTrue(
            would_create_cycle(company_id=self.company.pk, supervisor_id=self.c.pk, subordinate_id=self.a.pk)
        )
        self.assertTrue(
            would_create_cycle(company_id=self.company.pk, supervisor_id=self.a.pk, subordinate_id=self.a.pk)
        )
        self.assertFalse(
            would_create_cycle(company_id=self.company.pk, supervisor_id=self.a.pk, subordinate_id=self.c.pk)
        )

    def test_service_refuses_a_cycle_with_a_clear_message(self):
        with self.assertRaises(ValidationError) as caught:
            supervisor_edge_add(company=self.company, supervisor=self.c, subordinate=self.a)
        self.assertIn("circle", " ".join(caught.exception.messages))
        self.assertFalse(SupervisorEdge.objects.filter(supervisor=self.c, subordinate=self.a).exists())

    def test_service_accepts_a_second_supervisor(self):
        edge = supervisor_edge_add(company=self.company, supervisor=self.a, subordinate=self.c)
        self.assertEqual(
            supervisor_ids(user_id=self.c.pk, company_id=self.company.pk), {self.a.pk, self.b.pk}
        )
        self.assertEqual(
            edge, supervisor_edge_add(company=self.company, supervisor=self.a, subordinate=self.c)
        )

    def test_form_refuses_a_cycle(self):
        form = AddSupervisorForm({"supervisor": self.c.pk}, company=self.company, subordinate=self.a)
        self.assertFalse(form.is_valid())
        self.assertIn("circle", form.errors["supervisor"][0])

    def test_service_refuses_people_outside_the_company(self):
        stranger = member(CompanyFactory())
        with self.assertRaises(ValidationError):
            supervisor_edge_add(company=self.company, supervisor=stranger, subordinate=self.a)

    def test_admin_refuses_a_cycle(self):
        admin = member(self.company, username="root-admin")
        admin.is_staff = admin.is_superuser = True
        admin.save()
        self.client.force_login(admin)
        response = self.client.post(
            "/admin/companies/supervisoredge/add/",
            {"company": self.company.pk, "supervisor": self.c.pk, "subordinate": self.a.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "must not go round in a circle")
        self.assertEqual(SupervisorEdge.objects.count(), 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
class ConcurrentCycleTests(TransactionTestCase):
    def test_two_opposite_edges_added_at_once_never_make_a_cycle(self):
        company = CompanyFactory()
        a, b = member(company), member(company)
        barrier = threading.Barrier(2)
        outcomes = []

        def add(supervisor, subordinate):
            try:
                barrier.wait()
                supervisor_edge_add(company=company, supervisor=supervisor, subordinate=subordinate)
                outcomes.append("added")
            except ValidationError:
                outcomes.append("refused")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=add, args=pair) for pair in ((a, b), (b, a))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["added", "refused"])
        self.assertEqual(SupervisorEdge.objects.filter(company=company).count(), 1)
