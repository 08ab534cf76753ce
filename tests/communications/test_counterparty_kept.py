"""A record's partner stays on it when someone who cannot see that partner saves the record unchanged."""

from django.test import TestCase

from communications.models import Thread
from tests.communications import factories
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

FUNCTIONS = ("communications.view_thread", "communications.change_thread", "partners.view_partner")


class CounterpartyKeptTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, *FUNCTIONS)
        cls.colleague = member(cls.company, *FUNCTIONS)
        # e.g. a free-text counterparty promoted by a colleague: the partner's account is theirs
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.colleague, partner=PartnerFactory(name="Kovács és Társa Bt.")
        ).partner
        cls.thread = factories.thread(cls.company, cls.seller, subject="Repairs", partner=cls.partner)

    def test_saving_the_thread_unchanged_keeps_its_partner(self):
        self.client.force_login(self.seller)
        page = self.client.get(f"/threads/{self.thread.pk}/edit/")
        self.assertContains(
            page, f'<option value="{self.partner.pk}" selected>Kovács és Társa Bt.</option>', html=True
        )
        response = self.client.post(
            f"/threads/{self.thread.pk}/edit/", {"subject": "Repairs", "partner": self.partner.pk}
        )
        self.assertRedirects(response, f"/threads/{self.thread.pk}/")
        self.assertEqual(Thread.objects.get(pk=self.thread.pk).partner, self.partner)

    def test_another_hidden_partner_is_still_refused(self):
        other = PartnerAccountFactory(company=self.company, owner=self.colleague).partner
        self.client.force_login(self.seller)
        response = self.client.post(
            f"/threads/{self.thread.pk}/edit/", {"subject": "Repairs", "partner": other.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("partner", response.context["form"].errors)
        self.assertEqual(Thread.objects.get(pk=self.thread.pk).partner, self.partner)
