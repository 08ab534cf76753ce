"""A small company with hand-built activity, shared by the team tests.

    boss (view all company data? no: a plain director above everyone)
    ├── anna (manager)  ── seller1, seller2
    └── bela (manager)  ── seller2 (two supervisors), seller3

Frozen at Wednesday 2026-12-09 10:00 in Budapest: "this week" is 7-13 December, the previous week
30 November - 6 December.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group

from communications.models import Communication, Task
from erp_sync.models import PartnerPush
from events.models import PartnerWatch
from partners.models import OwnerChange, PartnerAccount
from tests.communications.factories import communication, task
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, DepartmentFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=BUDAPEST)
TEAM_FUNCTION = "team.view_team_activity"
LIST_FUNCTIONS = (
    "communications.view_communication",
    "communications.view_task",
    "events.view_event",
    "partners.view_partner",
    "partners.view_partneraccount",
)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BUDAPEST)


class World:
    """People and records; figures of seller1 are listed in EXPECTED_SELLER1."""

    def __init__(self):
        self.company = CompanyFactory(country="HU", language="hu")
        self.other_company = CompanyFactory(country="HU")
        self.sales_group = Group.objects.get_or_create(name="Sales")[0]
        functions = (TEAM_FUNCTION, *LIST_FUNCTIONS)
        self.north = DepartmentFactory(company=self.company, name="North")
        self.south = DepartmentFactory(company=self.company, name="South")
        self.boss = member(self.company, *functions, username="boss", first_name="Zoltan", last_name="Boss")
        self.anna = member(self.company, *functions, username="anna", first_name="Anna", last_name="Alpha")
        self.bela = member(self.company, *functions, username="bela", first_name="Bela", last_name="Beta")
        self.seller1 = member(
            self.company,
            *functions,
            groups=[self.sales_group],
            username="s1",
            first_name="Sara",
            last_name="One",
        )
        self.seller2 = member(
            self.company,
            *functions,
            groups=[self.sales_group],
            username="s2",
            first_name="Sam",
            last_name="Two",
        )
        self.seller3 = member(
            self.company,
            *functions,
            groups=[self.sales_group],
            username="s3",
            first_name="Sol",
            last_name="Three",
        )
        for user, department in ((self.anna, self.north), (self.seller1, self.north), (self.seller2, self.north),
                                 (self.bela, self.south), (self.seller3, self.south)):  # fmt: skip
            user.memberships.filter(company=self.company).update(department=department)
        supervise(self.company, self.boss, self.anna)
        supervise(self.company, self.boss, self.bela)
        supervise(self.company, self.anna, self.seller1)
        supervise(self.company, self.anna, self.seller2)
        supervise(self.company, self.bela, self.seller2)
        supervise(self.company, self.bela, self.seller3)
        self.meeting = EventTypeFactory(code="meeting", kind="meeting")
        self.call = EventTypeFactory(code="call", kind="call")
        self._activity()

    def comm(self, author, when, channel="phone", direction="out"):
        item = communication(self.company, author, channel=channel, direction=direction)
        Communication.objects.filter(pk=item.pk).update(created_at=when)
        return item

    def task(self, author, created, **fields):
        item = task(self.company, author, **fields)
        Task.objects.filter(pk=item.pk).update(created_at=created)
        return item

    def event(self, owner, start, type_=None, **fields):
        return EventFactory(
            company=self.company, owner=owner, type=type_ or self.call, starts_at=start, **fields
        )

    def _activity(self):
        s1, c = self.seller1, self.company
        # Communications: the week starts at 00:00 Budapest (23:00 UTC on Sunday).
        self.comm(s1, at(2026, 12, 7, 0, 30))  # this week (Sunday 23:30 UTC)
        self.comm(s1, at(2026, 12, 6, 23, 30), channel="email", direction="in")  # last week
        self.comm(s1, at(2026, 12, 9, 9, 0), channel="email", direction="in")  # this week
        self.comm(s1, at(2026, 12, 9, 9, 5), channel="meeting", direction="out")  # this week
        self.comm(self.seller2, at(2026, 12, 8, 9, 0))  # this week, seller2
        self.comm(self.seller3, at(2026, 12, 8, 9, 0))  # this week, seller3
        # Events: held = started this week up to the end of today.
        self.event(s1, at(2026, 12, 7, 8, 0))  # call, held
        self.event(s1, at(2026, 12, 10, 8, 0))  # tomorrow: not held yet
        self.event(s1, at(2026, 12, 8, 8, 0), self.meeting, outcome="successful")
        self.event(s1, at(2026, 12, 8, 9, 0), self.meeting, outcome="unsuccessful")
        self.event(s1, at(2026, 12, 9, 8, 0), self.meeting)  # open, not overdue
        self.event(s1, at(2026, 12, 1, 8, 0), self.meeting)  # open, last week: overdue (Tue -> Fri)
        self.event(s1, at(2026, 12, 4, 8, 0), self.meeting)  # Friday: grace Mon, Tue; overdue Wed
        self.event(s1, at(2026, 12, 7, 8, 0), self.meeting)  # Monday: overdue only from Thursday
        # Tasks.
        self.task(s1, at(2026, 12, 7, 9, 0))  # created this week, no deadline
        self.task(s1, at(2026, 12, 2, 9, 0), deadline=at(2026, 12, 8, 12, 0))  # created last week, overdue
        done = self.task(self.anna, at(2026, 12, 1, 9, 0), assignee=s1)
        Task.objects.filter(pk=done.pk).update(status="done", completed_at=at(2026, 12, 8, 12, 0))
        late = self.task(self.anna, at(2026, 12, 1, 9, 0), assignee=s1, deadline=at(2026, 12, 3, 12, 0))
        Task.objects.filter(pk=late.pk).update(status="in_progress")  # overdue, responsible seller1
        # Partners: two owned (one new this week), one taken away this week, one pushed this week.
        self.partner_old = PartnerAccount.objects.create(company=c, partner=PartnerFactory(), owner=s1)
        PartnerAccount.objects.filter(pk=self.partner_old.pk).update(created_at=at(2026, 10, 1))
        self.partner_new = PartnerAccount.objects.create(company=c, partner=PartnerFactory(), owner=s1)
        PartnerAccount.objects.filter(pk=self.partner_new.pk).update(created_at=at(2026, 12, 8, 10))
        self.event(s1, at(2026, 12, 20, 10), partner=self.partner_new.partner)  # has a next event
        PartnerWatch.objects.create(
            company=c, partner=self.partner_old.partner, owner=s1, listed_on=at(2026, 11, 20).date()
        )
        taken = PartnerAccount.objects.create(company=c, partner=PartnerFactory(), owner=self.anna)
        OwnerChange.objects.create(
            company=c, partner=taken.partner, from_owner=s1, to_owner=self.anna, reason="no_next_event",
            changed_on=at(2026, 12, 7).date(),
        )  # fmt: skip
        push = PartnerPush.objects.create(partner=self.partner_new.partner)
        PartnerPush.objects.filter(pk=push.pk).update(created_at=at(2026, 12, 8, 11))
        # Another company's activity by a shared person never counts.
        member(self.other_company, user=s1)
        communication(self.other_company, s1, channel="phone", direction="out")


EXPECTED_SELLER1 = {
    "comm_phone_out": 1,
    "comm_email_in": 1,
    "comm_meeting_out": 1,
    "communications": 3,
    "events_held": 5,
    "meetings_successful": 1,
    "meetings_unsuccessful": 1,
    "meetings_open": 2,
    "meetings_overdue": 2,
    "tasks_created": 1,
    "tasks_done": 1,
    "tasks_overdue": 2,
    "partners_owned": 2,
    "partners_without_next_event": 1,
    "partners_taken": 1,
    "partners_new": 1,
    "first_successes": 1,
}
