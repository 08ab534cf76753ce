from django.test import TestCase

from partners.models import Partner, PartnerAccount
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

VALID = {
    "name": "Kékfestő Manufaktúra Kft.",
    "tax_number": "10537914-2-44",
    "is_customer": "on",
    "seat_city": "Pápa",
    "seat_postal_code": "8500",
    "seat_street": "Március 15. tér 12.",
}


class PartnerCreateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(
            cls.company, "partners.view_partner", "partners.add_partner", "partners.change_partner"
        )

    def setUp(self):
        self.client.force_login(self.seller)

    def test_create_makes_master_seat_address_and_own_account(self):
        response = self.client.post("/partners/new/", {**VALID, "tax_number": "10537914 2 44"})
        partner = Partner.objects.get(name=VALID["name"])
        self.assertRedirects(response, f"/partners/{partner.pk}/")
        self.assertEqual(partner.tax_number, "10537914-2-44")
        self.assertEqual(partner.source, "crm")
        self.assertEqual(partner.addresses.get().city, "Pápa")
        account = PartnerAccount.objects.get(partner=partner)
        self.assertEqual(
            (account.company, account.owner, account.status), (self.company, self.seller, "prospect")
        )

    def test_invalid_tax_number_is_explained_and_nothing_is_lost(self):
        response = self.client.post("/partners/new/", {**VALID, "tax_number": "10537915-2-44"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "check digit")
        self.assertContains(response, VALID["seat_street"])  # the user's input is still there
        self.assertFalse(Partner.objects.exists())

    def test_same_tax_number_is_refused_with_a_link_to_the_existing_partner(self):
        existing = PartnerFactory(name="Old Name Kft.", tax_number="10537914-2-44")
        response = self.client.post("/partners/new/", {**VALID, "tax_number": "10537914244"})
        self.assertContains(response, "already exists")
        self.assertContains(response, f'href="/partners/{existing.pk}/adopt/"')
        self.assertEqual(Partner.objects.count(), 1)

    def test_similar_name_warns_first_and_saves_when_confirmed(self):
        PartnerFactory(name="Kékfestő Manufaktúra Zrt.")
        response = self.client.post("/partners/new/", {**VALID, "tax_number": ""})
        self.assertContains(response, "similar name already exist")
        self.assertContains(response, "Kékfestő Manufaktúra Zrt. Check them")  # one full stop
        self.assertEqual(Partner.objects.count(), 1)
        response = self.client.post("/partners/new/", {**VALID, "tax_number": "", "create_anyway": "on"})
        self.assertEqual(Partner.objects.count(), 2)

    def test_unrelated_name_does_not_warn(self):
        PartnerFactory(name="Duna Gépgyártó Zrt.")
        self.client.post("/partners/new/", {**VALID, "tax_number": ""})
        self.assertEqual(Partner.objects.count(), 2)

    def test_adopting_an_existing_shared_partner(self):
        other = CompanyFactory()
        partner = PartnerAccountFactory(company=other).partner
        self.assertEqual(self.client.get(f"/partners/{partner.pk}/").status_code, 404)
        self.assertContains(self.client.get(f"/partners/{partner.pk}/adopt/"), "Add to my company")
        self.client.post(f"/partners/{partner.pk}/adopt/")
        self.assertEqual(self.client.get(f"/partners/{partner.pk}/").status_code, 200)
        self.assertEqual(PartnerAccount.objects.get(company=self.company, partner=partner).owner, self.seller)

    def test_adopt_page_of_a_colleague_s_partner_names_the_owner_and_changes_nothing(self):
        colleague = member(self.company, "partners.view_partner", first_name="Kata", last_name="Kolléga")
        account = PartnerAccountFactory(company=self.company, owner=colleague)
        page = self.client.get(f"/partners/{account.partner.pk}/adopt/")
        self.assertContains(page, "Kata Kolléga looks after it")
        self.assertNotContains(page, f'href="/partners/{account.partner.pk}/"')
        self.assertNotContains(page, "Add to my company")
        response = self.client.post(f"/partners/{account.partner.pk}/adopt/")
        self.assertRedirects(response, f"/partners/{account.partner.pk}/adopt/")
        account.refresh_from_db()
        self.assertEqual(account.owner, colleague)

    def test_adopt_page_of_an_own_partner_opens_it(self):
        account = PartnerAccountFactory(company=self.company, owner=self.seller)
        self.assertContains(self.client.get(f"/partners/{account.partner.pk}/adopt/"), "Open the partner")

    def test_create_needs_the_function(self):
        viewer = member(self.company, "partners.view_partner")
        self.client.force_login(viewer)
        self.assertEqual(self.client.post("/partners/new/", VALID).status_code, 403)
        self.assertFalse(Partner.objects.exists())


class PartnerEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, "partners.view_partner", "partners.change_partner")

    def setUp(self):
        self.client.force_login(self.seller)

    def form_data(self, partner, **changes):
        return {
            "master-name": partner.name,
            "master-tax_number": partner.tax_number,
            "master-is_customer": "on",
            "account-owner": self.seller.pk,
            "account-status": "active",
            **changes,
        }

    def test_crm_partner_master_and_account_data_are_editable(self):
        partner = PartnerAccountFactory(company=self.company, owner=self.seller).partner
        response = self.client.post(
            f"/partners/{partner.pk}/edit/", self.form_data(partner, **{"master-name": "Renamed Kft."})
        )
        self.assertRedirects(response, f"/partners/{partner.pk}/")
        partner.refresh_from_db()
        self.assertEqual(partner.name, "Renamed Kft.")
        self.assertEqual(partner.accounts.get().status, "active")

    def test_handing_a_partner_to_a_colleague_ends_on_the_list_with_a_message(self):
        colleague = member(self.company, "partners.view_partner", first_name="Eszter", last_name="Horváth")
        partner = PartnerAccountFactory(company=self.company, owner=self.seller).partner
        response = self.client.post(
            f"/partners/{partner.pk}/edit/",
            self.form_data(partner, **{"account-owner": colleague.pk}),
            follow=True,
        )
        self.assertRedirects(response, "/partners/")
        self.assertContains(response, f"{partner.name} is now looked after by Eszter Horváth.")
        self.assertEqual(partner.accounts.get().owner, colleague)

    def test_erp_partner_master_fields_are_read_only_and_say_why(self):
        partner = PartnerAccountFactory(
            company=self.company, owner=self.seller, partner=PartnerFactory(name="ERP Zrt.", source="erp")
        ).partner
        page = self.client.get(f"/partners/{partner.pk}/edit/")
        self.assertContains(page, "Managed by the ERP")
        self.assertContains(page, 'name="master-name"')
        self.assertTrue(page.context["form"].fields["name"].disabled)
        self.client.post(
            f"/partners/{partner.pk}/edit/", self.form_data(partner, **{"master-name": "Hacked"})
        )
        partner.refresh_from_db()
        self.assertEqual(partner.name, "ERP Zrt.")
        self.assertEqual(partner.accounts.get().status, "active")  # company data still editable


class PartnerRecordsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, "partners.view_partner", "partners.change_partner")

    def setUp(self):
        self.client.force_login(self.seller)

    def management(self, prefix, total, initial=0):
        return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial, f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000}  # fmt: skip

    def test_crm_partner_gets_addresses_turnover_and_assets_by_hand(self):
        partner = PartnerAccountFactory(company=self.company, owner=self.seller).partner
        data = {
            **self.management("addresses", 1), "addresses-0-kind": "billing", "addresses-0-country": "HU",
            "addresses-0-city": "Szeged", "addresses-0-postal_code": "6720",
            **self.management("turnover", 1), "turnover-0-period": "2026-03-17", "turnover-0-currency": "eur",
            "turnover-0-amount": "1234.50",
            **self.management("assets", 1), "assets-0-item": "Compressor", "assets-0-serial_number": "C-1",
        }  # fmt: skip
        response = self.client.post(f"/partners/{partner.pk}/records/", data)
        self.assertRedirects(response, f"/partners/{partner.pk}/")
        self.assertEqual(partner.addresses.get().city, "Szeged")
        turnover = partner.turnovers.get()
        self.assertEqual(
            (str(turnover.period), turnover.currency, turnover.company), ("2026-03-01", "EUR", self.company)
        )
        self.assertEqual(partner.assets.get().item, "Compressor")
        page = self.client.get(f"/partners/{partner.pk}/")
        self.assertContains(page, "Compressor")
        self.assertContains(page, "2026-03")

    def test_bad_input_is_explained_and_nothing_saved(self):
        partner = PartnerAccountFactory(company=self.company, owner=self.seller).partner
        data = {
            **self.management("addresses", 0), **self.management("assets", 0),
            **self.management("turnover", 1), "turnover-0-period": "not a date", "turnover-0-amount": "lots",
        }  # fmt: skip
        response = self.client.post(f"/partners/{partner.pk}/records/", data)
        self.assertContains(response, "Enter a valid date")
        self.assertContains(response, "Enter a number")
        self.assertFalse(partner.turnovers.exists())

    def test_erp_partner_records_are_not_editable(self):
        partner = PartnerAccountFactory(
            company=self.company, owner=self.seller, partner=PartnerFactory(source="erp")
        ).partner
        response = self.client.post(f"/partners/{partner.pk}/records/", self.management("addresses", 0))
        self.assertRedirects(response, f"/partners/{partner.pk}/")
        self.assertFalse(partner.addresses.exists())
