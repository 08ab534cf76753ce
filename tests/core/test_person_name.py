"""A person's name as the lists write it from three columns (core.rows.person_name) and as every other
page writes it (str(user)): one rule, the full name else the username."""

from django.test import TestCase

from partners.models import PartnerAccount
from tests.factories import CompanyFactory, PartnerFactory, member


class PersonNameTests(TestCase):
    def test_the_partner_list_names_an_owner_as_every_other_page_does(self):
        company = CompanyFactory()
        cases = [("Anna", "Kiss"), ("", "Kiss"), ("Anna", ""), ("", "")]
        owners = [
            member(
                company,
                "partners.view_partner",
                "companies.view_all_company_data",
                username=f"user-{n}",
                first_name=first,
                last_name=last,
            )
            for n, (first, last) in enumerate(cases)
        ]
        for n, owner in enumerate(owners):
            PartnerAccount.objects.create(company=company, partner=PartnerFactory(name=f"P{n}"), owner=owner)
        self.client.force_login(owners[0])
        html = self.client.get("/partners/").content.decode()
        expected = ["Anna Kiss", "Kiss", "Anna", "user-3"]
        self.assertEqual([str(owner) for owner in owners], expected)
        for name in expected:
            self.assertIn(f"<td>{name}</td>", html)
