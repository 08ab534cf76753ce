"""The partner page as the 360-degree view (issue 18): header card, sections, visibility, actions, queries."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import ContactRole
from erp_sync.models import PartnerPush, PushStatus
from orders.models import Order
from partners.models import Tag, Turnover
from receivables.models import Invoice
from tests.communications.factories import communication, task, thread
from tests.events.factories import EventFactory
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    PartnerFactory,
    member,
    supervise,
)

SALES = (
    "partners.view_partner",
    "partners.change_partner",
    "contacts.view_contact",
    "contacts.add_contact",
    "communications.view_communication",
    "communications.add_communication",
    "communications.view_task",
    "communications.add_task",
    "communications.view_thread",
    "communications.add_thread",
    "events.view_event",
    "events.add_event",
)


def section(html: str, name: str) -> str:
    """The HTML of the page's section with id `name` (up to the next section)."""
    match = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def header(html: str) -> str:
    return html[html.index('<article class="record-header"') : html.index("</article>")]


class PartnerPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(name="Alfa", language="en")
        cls.other_company = CompanyFactory(name="Beta", language="en")
        cls.boss = member(cls.company, *SALES, first_name="Bori", last_name="Boss")
        cls.seller = member(cls.company, *SALES, first_name="Sam", last_name="Seller")
        cls.sibling = member(cls.company, *SALES, first_name="Sibyl", last_name="Sibling")
        cls.finance = member(
            cls.company, *SALES, "receivables.view_receivables", "companies.view_all_company_data"
        )
        cls.stranger = member(cls.other_company, *SALES, first_name="Otto", last_name="Other")
        supervise(cls.company, cls.boss, cls.seller)
        supervise(cls.company, cls.boss, cls.sibling)
        cls.partner = PartnerFactory(name="Duna Zrt.", tax_number="12345676-2-42", source="crm")
        cls.account = PartnerAccountFactory(
            company=cls.company, partner=cls.partner, owner=cls.seller, status="active"
        )
        cls.account.tags.add(Tag.objects.create(company=cls.company, name="Key account"))
        # The sibling works with the same partner in the same company only through their own records;
        # the other company has its own account of the shared partner.
        PartnerAccountFactory(company=cls.other_company, partner=cls.partner, owner=cls.stranger)

    def page(self, user=None, partner=None):
        self.client.force_login(user or self.seller)
        response = self.client.get(f"/partners/{(partner or self.partner).pk}/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    # Header card -----------------------------------------------------------------------------

    def test_header_card_shows_the_partner_at_a_glance(self):
        decision = ContactTypeFactory(code="decision-maker", cardinality="one")
        ContactFactory(partner=self.partner, first_name="Anna", last_name="Aaron")
        boss_contact = ContactFactory(
            partner=self.partner, first_name="Zita", last_name="Zöld", phone="+36 1 555"
        )
        ContactRole.objects.create(contact=boss_contact, type=decision, partner=self.partner, exclusive=True)
        EventFactory(
            company=self.company, owner=self.seller, partner=self.partner, subject="Visit the plant",
            starts_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
        EventFactory(
            company=self.company, owner=self.seller, partner=self.partner, subject="Later visit",
            starts_at=timezone.now() + timedelta(days=9),
        )  # fmt: skip
        card = header(self.page())
        for text in ("Duna Zrt.", "12345676-2-42", "Sam Seller", "Active", "Key account", "Zöld Zita"):
            self.assertIn(text, card)
        self.assertIn("Visit the plant", card)
        self.assertNotIn("Later visit", card)
        self.assertIn("Not in the ERP yet", card)
        self.assertNotIn("Overdue balance", card)  # only for those who may view receivables

    def test_next_event_beyond_the_events_section_is_found(self):
        # Ten upcoming events: the section shows the newest eight, the header still the earliest.
        now = timezone.now()
        for day in range(1, 11):
            EventFactory(company=self.company, owner=self.seller, partner=self.partner, subject=f"Call on day {day}",
                         starts_at=now + timedelta(days=day))  # fmt: skip
        EventFactory(company=self.company, owner=self.sibling, partner=self.partner, subject="Sibling's call",
                     starts_at=now + timedelta(hours=2))  # fmt: skip
        html = self.page()
        self.assertRegex(header(html), r'data-fact="next-event">.*Call on day 1<')
        self.assertNotIn("Call on day 1<", section(html, "events"))
        self.assertNotIn("Sibling", html)

    def test_header_without_contacts_or_events_says_so(self):
        card = header(self.page())
        self.assertRegex(card, r'data-fact="main-contact">—')
        self.assertIn("None planned", card)

    def test_erp_state_follows_the_push_and_the_source(self):
        PartnerPush.objects.create(
            partner=self.partner, status=PushStatus.REJECTED, reason="Duplicate tax number"
        )
        self.assertIn("Rejected: Duplicate tax number", header(self.page()))
        erp = PartnerFactory(name="ERP Kft.", source="erp", erp_id="E-77")
        PartnerAccountFactory(company=self.company, partner=erp, owner=self.seller)
        card = header(self.page(partner=erp))
        self.assertIn("Managed by the ERP: change it there.", card)
        self.assertIn("E-77", card)
        self.assertIn("Edit owner, status and tags", card)

    def test_overdue_balance_per_currency_for_receivables_viewers(self):
        today = timezone.localdate()
        for number, due, amount, currency in (
            ("INV-1", today - timedelta(days=40), "1500000", "HUF"),
            ("INV-2", today - timedelta(days=5), "250000", "HUF"),
            ("INV-3", today - timedelta(days=5), "900", "EUR"),
            ("INV-4", today + timedelta(days=10), "777777", "HUF"),  # not yet due
        ):
            Invoice.objects.create(
                company=self.company, partner=self.partner, number=number, issued_on=due - timedelta(days=30),
                due_on=due, amount=Decimal(amount), open_amount=Decimal(amount), currency=currency,
            )  # fmt: skip
        Invoice.objects.create(
            company=self.other_company, partner=self.partner, number="BETA-1", issued_on=date(2026, 1, 1),
            due_on=date(2026, 1, 31), amount=Decimal(5), open_amount=Decimal(5), currency="BGN",
        )  # fmt: skip
        html = self.page(self.finance)
        overdue = re.search(r'data-fact="overdue">(.*?)</dd>', html, re.S).group(1)
        self.assertIn("1,750,000", overdue)
        self.assertIn("900.00", overdue)
        self.assertNotIn("777", overdue)
        self.assertNotIn("BGN", html)
        receivables = section(html, "receivables")
        for number in ("INV-1", "INV-2", "INV-3", "INV-4"):
            self.assertIn(number, receivables)
        self.assertNotIn("BETA-1", receivables)

    # Sections and visibility -----------------------------------------------------------------

    def test_sections_show_own_records_and_never_a_siblings_or_another_companys(self):
        own_thread = thread(self.company, self.seller, "Pump offer", partner=self.partner)
        communication(
            self.company, self.seller, thread=own_thread, subject="Asked for a quote", partner=self.partner
        )
        task(self.company, self.seller, thread=own_thread, subject="Send the quote", partner=self.partner)
        EventFactory(company=self.company, owner=self.seller, partner=self.partner, subject="Quote call",
                     starts_at=timezone.now() - timedelta(days=1))  # fmt: skip
        Order.objects.create(
            company=self.company, partner=self.partner, number="SO-1", kind="customer",
            ordered_on=date(2026, 3, 1), total=Decimal("120000"),
        )  # fmt: skip
        # A sibling seller's own records about the same partner, and another company's.
        hidden_thread = thread(self.company, self.sibling, "Sibling tender", partner=self.partner)
        communication(self.company, self.sibling, thread=hidden_thread, subject="Sibling secret mail",
                      partner=self.partner)  # fmt: skip
        task(
            self.company,
            self.sibling,
            thread=hidden_thread,
            subject="Sibling secret task",
            partner=self.partner,
        )
        EventFactory(company=self.company, owner=self.sibling, partner=self.partner, subject="Sibling secret visit",
                     starts_at=timezone.now() - timedelta(hours=3))  # fmt: skip
        EventFactory(company=self.company, owner=self.sibling, partner=self.partner, subject="Sibling next visit",
                     starts_at=timezone.now() + timedelta(hours=3))  # fmt: skip
        foreign_thread = thread(self.other_company, self.stranger, "Beta deal", partner=self.partner)
        communication(self.other_company, self.stranger, thread=foreign_thread, subject="Beta secret mail",
                      partner=self.partner)  # fmt: skip
        task(self.other_company, self.stranger, thread=foreign_thread, subject="Beta secret task",
             partner=self.partner)  # fmt: skip
        EventFactory(company=self.other_company, owner=self.stranger, partner=self.partner,
                     subject="Beta secret visit")  # fmt: skip
        Order.objects.create(
            company=self.other_company, partner=self.partner, number="BETA-SO-9", kind="customer",
            ordered_on=date(2026, 3, 2),
        )  # fmt: skip

        html = self.page(self.seller)
        expected = {
            "threads": "Pump offer",
            "communications": "Asked for a quote",
            "tasks": "Send the quote",
            "events": "Quote call",
            "orders": "SO-1",
        }
        for name, text in expected.items():
            with self.subTest(section=name):
                self.assertIn(text, section(html, name))
        timeline = section(html, "timeline")
        for text in ("Asked for a quote", "Send the quote", "Quote call", "SO-1"):
            self.assertIn(text, timeline)
        for secret in (
            "Sibling tender", "Sibling secret mail", "Sibling secret task", "Sibling secret visit",
            "Sibling next visit", "Beta deal", "Beta secret mail", "Beta secret task", "Beta secret visit",
            "BETA-SO-9",
        ):  # fmt: skip
            self.assertNotIn(secret, html)
        self.assertIn("None planned", header(html))  # the sibling's next visit is not the seller's

        # Their supervisor sees both sellers' records; the other company's stay hidden.
        boss_html = self.page(self.boss)
        self.assertIn("Sibling secret mail", boss_html)
        self.assertIn("Sibling next visit", header(boss_html))
        self.assertNotIn("Beta secret mail", boss_html)
        self.assertNotIn("BETA-SO-9", boss_html)

    def test_another_companys_user_and_a_sibling_get_404(self):
        sibling_partner = PartnerAccountFactory(company=self.company, owner=self.sibling).partner
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get(f"/partners/{sibling_partner.pk}/").status_code, 404)
        self.client.force_login(member(CompanyFactory(), *SALES))
        self.assertEqual(self.client.get(f"/partners/{self.partner.pk}/").status_code, 404)

    def test_empty_sections_collapse_to_one_line_with_their_action(self):
        html = self.page()
        for name, empty, action in (
            ("communications", "No communications with this partner yet.", "/communications/new/?partner="),
            ("tasks", "No tasks with this partner yet.", "/tasks/new/?partner="),
            ("events", "No events with this partner yet.", "/events/new/?partner="),
            ("threads", "No threads with this partner yet.", "/threads/new/?partner="),
            ("contacts", "No contacts yet.", f"/partners/{self.partner.pk}/contacts/new/"),
        ):
            with self.subTest(section=name):
                block = section(html, name)
                self.assertIn("is-empty", block.split(">")[0])
                self.assertIn(empty, block)
                self.assertIn(action, block)
                self.assertNotIn("<table", block)
                self.assertNotIn("<ul", block)

    def test_turnover_is_charted_with_axes_values_and_a_table(self):
        for month, amount in ((1, "1000000"), (2, "2500000"), (3, "1750000")):
            Turnover.objects.create(
                company=self.company,
                partner=self.partner,
                period=date(2026, month, 1),
                amount=Decimal(amount),
            )
        Turnover.objects.create(
            company=self.other_company,
            partner=self.partner,
            period=date(2026, 3, 1),
            amount=Decimal("999999"),
        )
        block = section(self.page(), "turnover")
        self.assertIn("<svg", block)
        self.assertIn("Turnover by month (HUF)", block)
        self.assertIn("2,500,000", block)
        self.assertNotIn("999,999", block)

    # Actions ---------------------------------------------------------------------------------

    def test_actions_start_with_the_partner_filled_in(self):
        html = self.page()
        for action, url in (
            ("new-communication", "/communications/new/"),
            ("new-task", "/tasks/new/"),
            ("new-event", "/events/new/"),
            ("new-thread", "/threads/new/"),
        ):
            with self.subTest(action=action):
                link = f'href="{url}?partner={self.partner.pk}"'
                self.assertRegex(header(html), rf'{re.escape(link)}[^>]*data-action="{action}"')
                form = self.client.get(f"{url}?partner={self.partner.pk}")
                self.assertEqual(form.status_code, 200)
                self.assertEqual(str(form.context["form"]["partner"].value()), str(self.partner.pk))
                self.assertRegex(
                    form.content.decode(), rf'<option value="{self.partner.pk}" selected>Duna Zrt.</option>'
                )

    def test_actions_follow_the_users_functions(self):
        viewer = member(self.company, "partners.view_partner")
        self.account.owner = viewer
        self.account.save()
        card = header(self.page(viewer))
        for action in ("new-communication", "new-task", "new-event", "new-thread", "edit"):
            self.assertNotIn(f'data-action="{action}"', card)

    # Queries ---------------------------------------------------------------------------------

    def fill(self, count: int, prefix: str):
        contact_type = ContactTypeFactory(code="technical")
        own_thread = thread(self.company, self.seller, f"{prefix} thread", partner=self.partner)
        now = timezone.now()
        months = Turnover.objects.count()  # each call adds later months (one row per month)
        for i in range(count):
            contact = ContactFactory(partner=self.partner)
            ContactRole.objects.create(contact=contact, type=contact_type, partner=self.partner)
            thread(self.company, self.seller, f"{prefix} thread {i}", partner=self.partner)
            communication(self.company, self.seller, thread=own_thread, subject=f"{prefix} mail {i}",
                          partner=self.partner)  # fmt: skip
            task(self.company, self.seller, thread=own_thread, subject=f"{prefix} task {i}", partner=self.partner,
                 deadline=now + timedelta(days=i))  # fmt: skip
            EventFactory(company=self.company, owner=self.seller, partner=self.partner,
                         starts_at=now - timedelta(days=i + 1))  # fmt: skip
            Order.objects.create(company=self.company, partner=self.partner, number=f"{prefix}-{i}",
                                 kind="customer", ordered_on=date(2026, 1, 1) + timedelta(days=i))  # fmt: skip
            Turnover.objects.create(company=self.company, partner=self.partner,
                                    period=date(2020 + (months + i) // 12, (months + i) % 12 + 1, 1), amount=Decimal(1000 + i))  # fmt: skip
            Invoice.objects.create(
                company=self.company, partner=self.partner, number=f"{prefix}-INV-{i}",
                issued_on=date(2026, 1, 1), due_on=date(2026, 2, 1) + timedelta(days=i), amount=Decimal(10),
                open_amount=Decimal(10),
            )  # fmt: skip

    def queries(self, user) -> list[str]:
        self.client.force_login(user)
        self.client.get(f"/partners/{self.partner.pk}/")  # warm the access cache and the session
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(f"/partners/{self.partner.pk}/")
        self.assertEqual(response.status_code, 200)
        return [query["sql"] for query in captured.captured_queries]

    def test_query_count_is_the_same_for_1_and_30_rows_per_section(self):
        for user in (self.seller, self.finance):
            with self.subTest(user=user.get_full_name()):
                self.fill(1, f"one-{user.pk}")
                one = self.queries(user)
                self.fill(29, f"many-{user.pk}")
                many = self.queries(user)
                self.assertEqual(len(one), len(many), "\n".join(many))
                self.assertLessEqual(len(many), 32, "\n".join(many))
