"""Receivables hang off the partner account: the partner page, its letters and events follow visibility."""

from datetime import date
from decimal import Decimal

import time_machine
from django.test import TestCase
from django.utils import timezone

from receivables.models import DunningLetter, Invoice
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

RECEIVABLES = ("receivables.view_receivables", "events.view_event", "partners.view_partner")


class PartnerReceivablesVisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.lead = member(cls.company, *RECEIVABLES)
        cls.seller = member(cls.company, *RECEIVABLES)
        cls.sibling = member(cls.company, *RECEIVABLES)
        cls.finance = member(cls.company, *RECEIVABLES, "companies.view_all_company_data")
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        cls.partner = PartnerFactory(name="Duna Zrt.")
        PartnerAccountFactory(company=cls.company, partner=cls.partner, owner=cls.seller)
        cls.sibling_partner = PartnerFactory(name="Tisza Kft.")
        PartnerAccountFactory(company=cls.company, partner=cls.sibling_partner, owner=cls.sibling)
        for partner, number in ((cls.partner, "INV-DUNA"), (cls.sibling_partner, "INV-TISZA")):
            Invoice.objects.create(
                company=cls.company, partner=partner, number=number, issued_on=date(2026, 1, 5),
                due_on=date(2026, 2, 5), amount=Decimal(1000), open_amount=Decimal(1000),
            )  # fmt: skip
            DunningLetter.objects.create(
                company=cls.company, partner=partner, slot=date(2026, 3, 2), level=1,
                sequence_started_on=date(2026, 3, 2), subject=f"Reminder {number}", body="-",
            )  # fmt: skip
        call = EventTypeFactory(code="collection-call")
        now = timezone.now()
        cls.own_call = EventFactory(
            company=cls.company, type=call, owner=cls.seller, partner=cls.partner, subject="Seller's call"
        )
        cls.finance_call = EventFactory(
            company=cls.company, type=call, owner=cls.finance, partner=cls.partner, subject="Finance's call",
            starts_at=now,
        )  # fmt: skip

    def page(self, user, partner):
        self.client.force_login(user)
        return self.client.get(f"/receivables/partners/{partner.pk}/")

    def test_a_sibling_s_partner_is_a_404(self):
        self.assertEqual(self.page(self.seller, self.sibling_partner).status_code, 404)
        self.assertEqual(self.page(self.sibling, self.partner).status_code, 404)

    def test_the_page_lists_only_the_events_the_viewer_sees(self):
        response = self.page(self.seller, self.partner)
        self.assertEqual(list(response.context["activities"]), [self.own_call])
        self.assertContains(response, "INV-DUNA")
        self.assertNotContains(response, "Finance&#x27;s call")

    def test_the_supervisor_sees_the_subordinate_s_and_finance_sees_everything(self):
        self.assertEqual(list(self.page(self.lead, self.partner).context["activities"]), [self.own_call])
        response = self.page(self.finance, self.partner)
        self.assertEqual(set(response.context["activities"]), {self.own_call, self.finance_call})
        self.assertEqual(self.page(self.finance, self.sibling_partner).status_code, 200)

    @time_machine.travel("2026-04-01 10:00 +02:00", tick=False)
    def test_letters_and_the_desk_show_only_partners_the_viewer_sees(self):
        self.client.force_login(self.seller)
        letters = self.client.get("/receivables/letters/").context["page"].object_list
        self.assertEqual([letter.subject for letter in letters], ["Reminder INV-DUNA"])
        hidden = DunningLetter.objects.get(partner=self.sibling_partner)
        self.assertEqual(self.client.get(f"/receivables/letters/{hidden.pk}/").status_code, 404)
        desk = self.client.get("/receivables/")
        self.assertEqual([letter.partner for letter in desk.context["recent"]], [self.partner])
        self.assertEqual(
            [row["partner__name"] for _cur, rows in desk.context["largest"] for row in rows], ["Duna Zrt."]
        )
        self.assertEqual([letter.partner for letter in desk.context["without_contact"]], [self.partner])
        self.client.force_login(self.finance)
        desk = self.client.get("/receivables/")
        self.assertEqual(
            {row["partner__name"] for _cur, rows in desk.context["largest"] for row in rows},
            {"Duna Zrt.", "Tisza Kft."},
        )
        self.assertEqual(len(desk.context["without_contact"]), 2)
