"""The sales user's home: the right events, tasks, partners and mentions, nobody else's, constant queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from communications.models import Notification, Task
from events.models import Event, PartnerWatch
from partners.models import Partner, PartnerAccount
from tests.communications import factories as items
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=BUDAPEST)  # a Wednesday; the week is 7-13 December
SALES = (
    "partners.view_partner",
    "events.view_event",
    "events.add_event",
    "communications.view_task",
    "communications.change_task",
)


def at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BUDAPEST)


@time_machine.travel(NOW, tick=False)
class SalesDashboardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.other_company = CompanyFactory(language="en")
        sales = Group.objects.create(name="Sales")
        cls.boss = member(cls.company, *SALES)
        cls.seller = member(cls.company, *SALES, groups=[sales], first_name="Anna")
        cls.sibling = member(cls.company, *SALES, groups=[sales])
        supervise(cls.company, cls.boss, cls.seller)
        supervise(cls.company, cls.boss, cls.sibling)
        member(cls.other_company, *SALES, user=cls.seller)
        call = EventTypeFactory(code="call", name_en="Call")
        event = {"company": cls.company, "type": call}
        EventFactory(**event, owner=cls.seller, subject="Early call", starts_at=at(9, 8))
        EventFactory(**event, owner=cls.sibling, subject="Joint visit", starts_at=at(9, 15)).participants.set(
            [cls.seller]
        )
        EventFactory(**event, owner=cls.seller, subject="Friday call", starts_at=at(11, 9))
        EventFactory(**event, owner=cls.seller, subject="Next week call", starts_at=at(15, 9))
        EventFactory(**event, owner=cls.seller, subject="Yesterday call", starts_at=at(8, 9))
        EventFactory(**event, owner=cls.sibling, subject="Sibling call", starts_at=at(9, 11))
        EventFactory(
            company=cls.other_company,
            type=call,
            owner=cls.seller,
            subject="Other company call",
            starts_at=at(9, 12),
        )
        task = {"deadline": None, "assignee": cls.seller}
        cls.overdue = items.task(
            cls.company, cls.boss, subject="Send the offer", **task | {"deadline": at(8, 17)}
        )
        cls.due = items.task(cls.company, cls.boss, subject="Call back", **task | {"deadline": at(12, 12)})
        items.task(cls.company, cls.boss, subject="Next week task", **task | {"deadline": at(16, 12)})
        items.task(
            cls.company, cls.boss, subject="Done task", status="done", **task | {"deadline": at(7, 12)}
        )
        items.task(cls.company, cls.boss, subject="Sibling task", assignee=cls.sibling, deadline=at(8, 12))
        items.task(
            cls.other_company,
            cls.seller,
            subject="Other company task",
            assignee=cls.seller,
            deadline=at(8, 9),
        )
        cls.watched = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Watched Kft.")
        )
        PartnerWatch.objects.create(
            company=cls.company, partner=cls.watched.partner, owner=cls.seller, listed_on=date(2026, 11, 14)
        )
        cls.fresh = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Fresh Kft.")
        )
        planned = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Planned Kft.")
        )
        EventFactory(
            **event, owner=cls.seller, partner=planned.partner, subject="Planned", starts_at=at(20, 9)
        )
        PartnerAccountFactory(
            company=cls.company, owner=cls.sibling, partner=PartnerFactory(name="Sibling Kft.")
        )
        Notification.objects.all().delete()  # the assignments above notified; the mentions are made here
        mention = {"recipient": cls.seller, "verb": "mention", "url": "/threads/1/"}
        cls.mention = Notification.objects.create(
            company=cls.company, text="Boss mentioned you in Offer", **mention
        )
        Notification.objects.create(company=cls.company, text="Read one", read_at=NOW, **mention)
        Notification.objects.create(company=cls.other_company, text="Other company mention", **mention)
        Notification.objects.create(
            company=cls.company,
            recipient=cls.seller,
            verb="assigned",
            text="Assigned to you",
            url="/tasks/1/",
        )

    def get(self, user=None, query=""):
        self.client.force_login(user or self.seller)
        response = self.client.get(f"/{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_events_of_today_and_this_week_mine_or_taking_part(self):
        board = self.get().context["board"]
        self.assertEqual([e.subject for e in board.today_events], ["Early call", "Joint visit"])
        self.assertEqual([e.subject for e in board.week_events], ["Friday call"])
        self.assertEqual([e.subject for e in board.later_events], ["Next week call", "Planned"])

    def test_a_past_open_event_of_today_offers_closing_it(self):
        early = Event.objects.get(subject="Early call")
        html = self.get().content.decode()
        self.assertIn(f'href="/events/{early.pk}/close/"', html)
        friday = Event.objects.get(subject="Friday call")
        self.assertNotIn(f'href="/events/{friday.pk}/close/"', html)

    def test_overdue_and_due_tasks_assigned_to_me(self):
        response = self.get()
        board = response.context["board"]
        self.assertEqual([t.subject for t in board.overdue_tasks], ["Send the offer"])
        self.assertEqual([t.subject for t in board.due_tasks], ["Call back"])
        self.assertContains(response, f'href="/tasks/?assignee={self.seller.pk}&amp;overdue=1"')
        self.assertContains(response, f'href="/tasks/{self.overdue.pk}/edit/"')

    def test_the_overdue_link_lists_exactly_those_tasks(self):
        board = self.get().context["board"]
        listed = self.client.get(f"/tasks/?assignee={self.seller.pk}&overdue=1")
        self.assertEqual(
            sorted(t.pk for t in listed.context["page"].object_list),
            sorted(t.pk for t in board.overdue_tasks),
        )

    def test_partners_without_a_next_event_with_the_day_they_are_taken_away(self):
        response = self.get()
        accounts = response.context["board"].without_next
        self.assertEqual([a.partner.name for a in accounts], ["Watched Kft.", "Fresh Kft."])
        # Listed on 14 November: the month is over on Monday 14 December, a working day.
        self.assertEqual((accounts[0].taken_on, accounts[0].days_left), (date(2026, 12, 14), 5))
        # Not listed yet (the nightly job lists it today): 8 January 2027, a Friday.
        self.assertEqual((accounts[1].taken_on, accounts[1].days_left), (date(2027, 1, 8), 30))
        self.assertContains(response, "taken away on 14/12/2026 (5 days left)")
        self.assertContains(response, f'href="/events/new/?partner={self.watched.partner_id}"')

    def test_unread_mentions_in_this_company_only(self):
        response = self.get()
        self.assertEqual(response.context["board"].mentions, [self.mention])
        self.assertContains(response, "Boss mentioned you in Offer")
        self.assertContains(response, f'href="/notifications/{self.mention.pk}/open/"')
        self.assertNotContains(response, "Other company mention")

    def test_nothing_of_a_sibling_or_of_another_company(self):
        html = self.get().content.decode()
        for text in (
            "Sibling call",
            "Sibling task",
            "Sibling Kft.",
            "Other company call",
            "Other company task",
        ):
            self.assertNotIn(text, html)

    def test_empty_states_for_a_new_colleague(self):
        newcomer = member(self.company, *SALES)
        response = self.get(newcomer)
        for text in (
            "Nothing planned for today.",
            "Nothing else is due this week.",
            "Every partner of yours has a next event planned.",
            "No unread mentions.",
        ):
            self.assertContains(response, text)


@time_machine.travel(NOW, tick=False)
class SalesDashboardQueryTests(TestCase):
    """The same queries for 10 and for 100 of each kind of row."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.seller = member(cls.company, *SALES)
        cls.call = EventTypeFactory(code="call")
        cls.thread = items.thread(cls.company, cls.seller)

    def add_rows(self, n: int, start: int) -> None:
        Event.objects.bulk_create(
            Event(
                company=self.company, type=self.call, owner=self.seller, subject=f"E{i}", starts_at=at(9, 12)
            )
            for i in range(start, start + n)
        )
        Task.objects.bulk_create(
            Task(
                company=self.company,
                thread=self.thread,
                number=f"T-Q-{i}",
                subject=f"T{i}",
                author=self.seller,
                assignee=self.seller,
                status="assigned",
                deadline=at(8 + i % 2, 9),
            )  # fmt: skip
            for i in range(start, start + n)
        )
        partners = Partner.objects.bulk_create(Partner(name=f"P{i}") for i in range(start, start + n))
        PartnerAccount.objects.bulk_create(
            PartnerAccount(company=self.company, partner=p, owner=self.seller, status="active")
            for p in partners
        )
        Notification.objects.bulk_create(
            Notification(company=self.company, recipient=self.seller, verb="mention", text=f"M{i}")
            for i in range(start, start + n)
        )

    def queries(self) -> int:
        self.client.force_login(self.seller)
        self.client.get("/")  # sessions, caches
        with CaptureQueriesContext(connection) as captured:
            self.response = self.client.get("/")
        self.assertEqual(self.response.status_code, 200)
        return len(captured)

    def test_queries_do_not_grow_with_the_rows(self):
        self.add_rows(10, 0)
        ten = self.queries()
        self.add_rows(90, 10)
        self.assertEqual(self.queries(), ten)
        self.assertLessEqual(ten, 12)
        # A few of each are shown; the counts are whole.
        board = self.response.context["board"]
        self.assertEqual((len(board.overdue_tasks), board.overdue_count), (10, 100))
        self.assertEqual((len(board.without_next), board.without_next_count), (20, 100))
        self.assertContains(self.response, "100 overdue")
        self.assertContains(self.response, "20 of 100 shown, the soonest to be taken away first.")
        self.assertEqual(len(board.today_events), 25)
        self.assertTrue(board.more_events)
