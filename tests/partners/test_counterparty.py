from django.test import TestCase

from communications.counterparty import free_text_counterparties
from communications.models import Communication, Task, Thread
from partners.models import Partner
from tests.communications import factories
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member


class CounterpartyPromotionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.other = CompanyFactory()
        cls.admin = member(
            cls.company, "partners.view_partner", "partners.add_partner", "partners.promote_counterparty"
        )
        cls.seller = member(cls.company, "partners.view_partner")
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.admin, partner=PartnerFactory(name="Kovács és Társa Bt.")
        ).partner
        thread = factories.thread(
            cls.company, cls.seller, subject="Tender", counterparty_text="Kovács és Társa"
        )
        factories.communication(cls.company, cls.seller, thread=thread, counterparty_text="kovács és társa ")
        factories.task(cls.company, cls.seller, thread=thread, counterparty_text="KOVÁCS ÉS TÁRSA")
        factories.task(cls.company, cls.seller, counterparty_text="Someone Else Kft.")
        outsider = member(cls.other)
        factories.communication(cls.other, outsider, counterparty_text="Kovács és Társa")

    def test_lists_distinct_texts_with_counts(self):
        entries = free_text_counterparties(self.company)
        self.assertEqual(
            [(e["key"], e["records"]) for e in entries],
            [("kovács és társa", 3), ("someone else kft.", 2)],
        )

    def test_promotion_to_an_existing_partner_links_every_record(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            "/partners/counterparties/promote/", {"text": "Kovács és Társa", "partner": self.partner.pk}
        )
        self.assertRedirects(response, f"/partners/{self.partner.pk}/")
        for model in (Thread, Communication, Task):
            linked = model.objects.filter(company=self.company, partner=self.partner)
            self.assertTrue(linked.exists(), model.__name__)
            self.assertFalse(linked.exclude(counterparty_text="").exists())
        self.assertEqual(Communication.objects.filter(company=self.other, partner__isnull=True).count(), 1)
        self.assertEqual(Task.objects.filter(partner__isnull=True).count(), 1)  # Someone Else Kft.

    def test_promotion_can_create_the_partner(self):
        self.client.force_login(self.admin)
        self.client.post("/partners/counterparties/promote/", {"text": "Someone Else Kft.", "partner": ""})
        partner = Partner.objects.get(name="Someone Else Kft.")
        self.assertEqual(Task.objects.filter(partner=partner).count(), 1)
        self.assertTrue(partner.accounts.filter(company=self.company, owner=self.admin).exists())

    def test_needs_the_function(self):
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get("/partners/counterparties/").status_code, 403)
        response = self.client.post(
            "/partners/counterparties/promote/", {"text": "Kovács és Társa", "partner": self.partner.pk}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Communication.objects.filter(partner=self.partner).exists())

    def test_a_partner_outside_the_users_view_is_refused(self):
        hidden = PartnerAccountFactory(company=self.other, partner=PartnerFactory(name="Hidden Zrt.")).partner
        self.client.force_login(self.admin)
        response = self.client.post(
            "/partners/counterparties/promote/", {"text": "Kovács és Társa", "partner": hidden.pk}
        )
        self.assertEqual(response.status_code, 404)
