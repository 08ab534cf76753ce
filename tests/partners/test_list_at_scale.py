"""The partner list at scale (issue 17): counted up to a cap, rows in name order for every viewer."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from core.paging import COUNT_CAP
from partners.models import Partner, PartnerAccount
from tests.factories import CompanyFactory, member, supervise


class PartnerListCapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.boss = member(cls.company, "partners.view_partner")
        cls.seller = member(cls.company, "partners.view_partner")
        cls.colleague = member(cls.company, "partners.view_partner")
        supervise(cls.company, cls.boss, cls.seller)
        partners = Partner.objects.bulk_create(
            Partner(name=f"Partner {n:05d}") for n in range(COUNT_CAP + 20)
        )
        PartnerAccount.objects.bulk_create(
            PartnerAccount(company=cls.company, partner=partner, owner=cls.seller) for partner in partners
        )
        cls.hidden = Partner.objects.create(name="Partner 00000 hidden")
        PartnerAccount.objects.create(company=cls.company, partner=cls.hidden, owner=cls.colleague)

    def test_the_count_stops_at_the_cap_for_the_seller_and_the_boss(self):
        for user in (self.seller, self.boss):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                with CaptureQueriesContext(connection) as captured:
                    response = self.client.get("/partners/?per_page=100")
                self.assertContains(response, "more than 1,000 items")
                names = [account.partner__name for account in response.context["page"].object_list]
                self.assertEqual(names, [f"Partner {n:05d}" for n in range(100)])  # not the colleague's
                counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
                self.assertEqual(len(counts), 1)
                self.assertIn(f"LIMIT {COUNT_CAP + 1}", counts[0].upper().replace("%S", str(COUNT_CAP + 1)))

    def test_the_last_page_past_the_cap(self):
        self.client.force_login(self.seller)
        response = self.client.get("/partners/?per_page=100&page=11")
        names = [account.partner__name for account in response.context["page"].object_list]
        self.assertEqual(names, [f"Partner {n:05d}" for n in range(1000, COUNT_CAP + 20)])
        self.assertFalse(response.context["page"].has_next())
