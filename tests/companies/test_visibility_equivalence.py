"""The lists' page query (companies.visibility.VisibleRows) returns exactly what `visible_to` returns.

Property-style: for many random seeds, a random company (a hierarchy with diamonds: some people have
two supervisors), random shares (some expired, some of another company's records) and random tasks,
communications and partner accounts; for every member, several sorts, filters and pages, the
per-part query returns the same rows in the same order as ``visible_to(...).order_by(...)`` and
counts the same up to its cap. Then, on PostgreSQL, the plans read the intended indexes.
"""

import random
from datetime import timedelta
from unittest import skipUnless

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.test import TestCase
from django.utils import timezone

from communications.models import Communication, Task, TaskStatus, Thread
from companies.models import Share
from companies.visibility import Viewer, VisibleRows, visible_rows
from contacts.models import Contact
from partners.models import Partner, PartnerAccount
from tests.factories import CompanyFactory, PartnerFactory, member, supervise

SEEDS = range(30)
NOW = timezone.now()


def _world(rng: random.Random, *, people: int, items: int):
    """A company with `people` members in a random hierarchy, and `items` tasks and communications."""
    company = CompanyFactory()
    users = [member(company) for _ in range(people)]
    for index, user in enumerate(users[1:], start=1):
        # Supervisors come earlier in the list (no cycles); some have two (diamonds), some none (roots).
        bosses = rng.sample(users[:index], k=min(index, rng.choice((0, 1, 1, 1, 2))))
        for boss in bosses:
            supervise(company, boss, user)
    thread = Thread.objects.create(company=company, owner=users[0], subject="t")
    day = timedelta(days=1)

    def person(optional=False):
        return None if optional and rng.random() < 0.2 else rng.choice(users)

    Task.objects.bulk_create(
        Task(
            company=company,
            thread=thread,
            number=f"T-{n}",
            subject=rng.choice("abcde"),
            author=person(),
            assignee=person(optional=True),
            status=rng.choice(TaskStatus.values),
            created_at=NOW - rng.randrange(5) * day,
            deadline=None if rng.random() < 0.2 else NOW + rng.randrange(4) * day,  # ties and empties
        )
        for n in range(items)
    )
    Communication.objects.bulk_create(
        Communication(
            company=company,
            thread=thread,
            number=f"C-{n}",
            subject=rng.choice("abcde"),
            direction=rng.choice(("in", "out")),
            channel="email",
            author=person(),
            assignee=person(optional=True),
            created_at=NOW - rng.randrange(4) * day,
        )
        for n in range(items)
    )
    PartnerAccount.objects.bulk_create(
        PartnerAccount(company=company, partner=PartnerFactory(name=rng.choice("xyz")), owner=person(True))
        for _ in range(items // 3)
    )
    shares = {}
    for model in (Task, Communication, PartnerAccount):
        kind = ContentType.objects.get_for_model(model)
        pks = list(model.objects.filter(company=company).values_list("pk", flat=True))
        for _ in range(items // 4):
            until = rng.choice((None, NOW + day, NOW - day))  # in force, until tomorrow, expired
            share = Share(
                company=company,
                content_type=kind,
                object_id=rng.choice(pks),
                user=rng.choice(users),
                reason="manual",
                until=until,
            )
            shares[kind.pk, share.object_id, share.user.pk] = share  # one share per record and person
    Share.objects.bulk_create(shares.values())
    return company, users


LISTS = (
    (Task, (F("deadline").asc(nulls_last=True), "-pk"), {}),
    (Task, (F("deadline").desc(nulls_last=True), "-pk"), {"status": TaskStatus.ASSIGNED}),
    (Task, (F("subject").asc(nulls_last=True), "-pk"), {}),
    (Communication, ("-created_at", "-pk"), {"direction": "in"}),
    (PartnerAccount, (F("partner__name").asc(nulls_last=True), "-pk"), {}),
)
PAGES = ((0, 3), (3, 6), (0, 500))


class VisibleRowsEquivalenceTests(TestCase):
    def test_same_rows_same_order_for_every_viewer_sort_filter_and_page(self):
        checked = 0
        for seed in SEEDS:
            rng = random.Random(seed)
            company, users = _world(rng, people=rng.randrange(3, 7), items=rng.randrange(8, 25))
            for user in users:
                viewer = Viewer.for_user(user, company)
                for model, ordering, filters in LISTS:
                    plain = model.objects.visible_to(viewer).filter(**filters).order_by(*ordering)
                    rows = visible_rows(plain, viewer, up_to=len(users))
                    context = f"seed {seed}, {user.username}, {model.__name__} {ordering} {filters}"
                    self.assertIsInstance(rows, VisibleRows, context)
                    expected = list(plain.values_list("pk", flat=True))
                    for start, stop in PAGES:
                        got = [row.pk for row in rows[start:stop]]
                        self.assertEqual(got, expected[start:stop], f"{context}, page {start}:{stop}")
                        checked += 1
                    cap = rng.choice((2, 1001))
                    self.assertEqual(rows.capped_count(cap), min(len(expected), cap), context)
        self.assertGreater(checked, 1000)

    def test_a_viewer_of_many_people_or_the_whole_company_reads_the_plain_query(self):
        company = CompanyFactory()
        users = [member(company) for _ in range(4)]
        for user in users[1:]:
            supervise(company, users[0], user)
        plain = Task.objects.visible_to(Viewer.for_user(users[0], company)).order_by("-pk")
        self.assertIs(visible_rows(plain, Viewer.for_user(users[0], company), up_to=2), plain)
        self.assertIsInstance(visible_rows(plain, Viewer.for_user(users[0], company), up_to=4), VisibleRows)
        finance = member(company, "companies.view_all_company_data")
        everything = Task.objects.visible_to(Viewer.for_user(finance, company)).order_by("-pk")
        self.assertIs(visible_rows(everything, Viewer.for_user(finance, company)), everything)


def _plan(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return cursor.fetchone()[0][0]["Plan"]


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


@skipUnless(connection.vendor == "postgresql", "EXPLAIN of PostgreSQL")
class ListPlanTests(TestCase):
    """On enough rows (ANALYZEd), the planner walks the list indexes and stops after the page."""

    @classmethod
    def setUpTestData(cls):
        rng = random.Random(17)
        cls.company = CompanyFactory()
        cls.users = [member(cls.company) for _ in range(40)]
        cls.director, cls.sales = cls.users[0], cls.users[-1]
        for user in cls.users[1:]:
            supervise(cls.company, cls.director, user)
        thread = Thread.objects.create(company=cls.company, owner=cls.director, subject="t")
        Task.objects.bulk_create(
            Task(
                company=cls.company,
                thread=thread,
                number=f"T-{n}",
                subject="s",
                author=rng.choice(cls.users),
                assignee=rng.choice(cls.users),
                created_at=NOW - timedelta(minutes=n),
                deadline=NOW + timedelta(minutes=rng.randrange(100_000)),
            )
            for n in range(20_000)
        )
        Communication.objects.bulk_create(
            Communication(
                company=cls.company,
                thread=thread,
                number=f"C-{n}",
                subject="s",
                direction="in",
                channel="email",
                author=rng.choice(cls.users),
                assignee=rng.choice(cls.users),
                created_at=NOW - timedelta(minutes=n),
            )
            for n in range(20_000)
        )
        partners = Partner.objects.bulk_create(Partner(name=f"Partner {n:05d}") for n in range(6_000))
        PartnerAccount.objects.bulk_create(
            PartnerAccount(company=cls.company, partner=partner, owner=rng.choice(cls.users))
            for partner in partners[::2]  # half the partners have an account in this company
        )
        Contact.objects.bulk_create(
            Contact(partner=partner, last_name=f"Contact {n:05d}", first_name=str(n % 7))
            for n, partner in enumerate(partners * 2)
        )
        with connection.cursor() as cursor:
            for table in ("communications_task", "communications_communication", "partners_partner"):
                cursor.execute(f"ANALYZE {table}")
            cursor.execute("ANALYZE partners_partneraccount")
            cursor.execute("ANALYZE contacts_contact")

    def page(self, model, user, ordering):
        viewer = Viewer.for_user(user, self.company)
        rows = visible_rows(model.objects.visible_to(viewer).order_by(*ordering), viewer)
        return rows, _plan(rows[0:100])

    def assert_walks(self, plan: dict, table: str, indexes: set[str]):
        nodes = list(_nodes(plan))
        self.assertFalse(
            [n for n in nodes if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == table]
        )
        used = {n.get("Index Name") for n in nodes}
        self.assertTrue(indexes <= used, (indexes, used))
        # Every index read of the table sits under a Limit: it stops after the page.
        limited = set()

        def walk(node, under_limit):
            under_limit = under_limit or node["Node Type"] == "Limit"
            if node.get("Index Name") in indexes and under_limit:
                limited.add(node["Index Name"])
            for child in node.get("Plans", ()):
                walk(child, under_limit)

        walk(plan, False)
        self.assertEqual(limited, indexes)

    def test_sales_user_task_list_reads_own_rows_by_deadline_per_part(self):
        rows, plan = self.page(Task, self.sales, (F("deadline").asc(nulls_last=True), "-pk"))
        self.assertIsInstance(rows, VisibleRows)
        self.assert_walks(plan, "communications_task", {"task_author_deadline", "task_assignee_deadline"})

    def test_director_task_list_walks_the_company_deadline_index(self):
        rows, plan = self.page(Task, self.director, (F("deadline").asc(nulls_last=True), "-pk"))
        self.assertNotIsInstance(rows, VisibleRows)
        self.assert_walks(plan, "communications_task", {"task_deadline"})

    def test_sales_user_communication_list_reads_own_rows_newest_first_per_part(self):
        rows, plan = self.page(Communication, self.sales, ("-created_at", "-pk"))
        self.assertIsInstance(rows, VisibleRows)
        self.assert_walks(
            plan, "communications_communication", {"communication_author", "communication_assignee"}
        )

    def test_sales_user_partner_list_reads_own_accounts(self):
        rows, plan = self.page(PartnerAccount, self.sales, ("partner__name", "pk"))
        self.assertIsInstance(rows, VisibleRows)
        # Either index on the owner serves the part (the planner picks by the statistics).
        owner_indexes = {"partner_account_owner", "partners_partneraccount_owner_id_3a96a4ca"}
        used = {n.get("Index Name") for n in _nodes(plan)} & owner_indexes
        self.assertTrue(used)
        self.assert_walks(plan, "partners_partneraccount", used)

    def test_director_communication_list_walks_the_company_created_index(self):
        rows, plan = self.page(Communication, self.director, ("-created_at", "-pk"))
        self.assertNotIsInstance(rows, VisibleRows)
        self.assert_walks(plan, "communications_communication", {"communication_created"})

    def test_the_contacts_count_of_a_viewer_of_many_merges_two_indexes_without_sorting(self):
        """The contacts list's capped count for a viewer of many people: the active contacts in partner
        order, from the index alone (contact_active_partner), merged with the visible accounts read in
        partner order by an index: nothing sorted, no table read whole. (On the reference data the
        accounts side is partner_account_partner, index-only; here, without a VACUUM inside the test's
        transaction, the planner may take the plain partner index.)"""
        viewer = Viewer.for_user(self.director, self.company)
        contacts = Contact.objects.visible_to_listed(viewer).active().order_by()
        sql, params = contacts[:1001].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT count(*) FROM ({sql}) AS capped", params)
            nodes = list(_nodes(cursor.fetchone()[0][0]["Plan"]))
        scans = {n.get("Index Name"): n["Node Type"] for n in nodes if n.get("Index Name")}
        self.assertEqual(scans.get("contact_active_partner"), "Index Only Scan", scans)
        partner_order = {
            "partner_account_partner",
            "partner_account_unique",
            "partners_partneraccount_partner_id_5c4c4de7",
        }
        self.assertTrue(partner_order & set(scans), scans)
        self.assertFalse([n for n in nodes if n["Node Type"] in ("Seq Scan", "Sort")], scans)
