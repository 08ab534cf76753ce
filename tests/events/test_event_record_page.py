"""The event page shares the record layout (issue 18): the header card and its facts."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

EVENTS = ("events.view_event", "events.change_event", "events.delete_event", "partners.view_partner")


def header(html: str) -> str:
    return html[html.index('<article class="record-header"') : html.index("</article>")]


class EventRecordPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.owner = member(cls.company, *EVENTS, first_name="Olga", last_name="Owner")
        cls.viewer = member(cls.company, "events.view_event", "companies.view_all_company_data")
        cls.sibling = member(cls.company, *EVENTS)
        partner = PartnerFactory(name="Duna Zrt.")
        PartnerAccountFactory(company=cls.company, partner=partner, owner=cls.owner)
        cls.event = EventFactory(
            company=cls.company, owner=cls.owner, partner=partner, subject="Plant visit",
            type=EventTypeFactory(code="visit", name_en="Visit"), location="Győr, plant 2",
            starts_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip

    def test_header_card_shows_the_event(self):
        self.client.force_login(self.owner)
        card = header(self.client.get(self.event.get_absolute_url()).content.decode())
        self.assertIn('<h1 id="record-title">Visit: Plant visit</h1>', card)
        for text in ("Duna Zrt.", "Olga Owner", "Győr, plant 2", "Open"):
            self.assertIn(text, card)
        self.assertIn('data-action="edit"', card)
        self.assertIn('data-action="delete"', card)

    def test_actions_follow_the_functions(self):
        self.client.force_login(self.viewer)
        card = header(self.client.get(self.event.get_absolute_url()).content.decode())
        self.assertIn("Plant visit", card)
        self.assertNotIn('data-action="edit"', card)
        self.assertNotIn('data-action="delete"', card)

    def test_a_siblings_event_is_a_404(self):
        self.client.force_login(self.sibling)
        self.assertEqual(self.client.get(self.event.get_absolute_url()).status_code, 404)
