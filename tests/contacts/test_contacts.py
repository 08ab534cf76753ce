import json
import threading

import pytest
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase

from contacts.models import Contact, ContactRole
from contacts.services import ContactRuleError, contact_create, financial_contacts
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    member,
)

CONTACT_FUNCTIONS = (
    "partners.view_partner",
    "contacts.view_contact",
    "contacts.add_contact",
    "contacts.change_contact",
)


class ContactTypeRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *CONTACT_FUNCTIONS)
        cls.partner = PartnerAccountFactory(company=cls.company, owner=cls.user).partner
        cls.financial = ContactTypeFactory(code="financial", name_en="Financial", cardinality="one")
        cls.technical = ContactTypeFactory(code="technical", name_en="Technical", cardinality="many")

    def setUp(self):
        self.client.force_login(self.user)

    def post_contact(self, last_name, *types, email=""):
        return self.client.post(
            f"/partners/{self.partner.pk}/contacts/new/",
            {"last_name": last_name, "email": email, "types": [t.pk for t in types]},
        )

    def test_many_per_partner_type_takes_several(self):
        self.post_contact("Kovács", self.technical)
        self.post_contact("Szabó", self.technical)
        self.assertEqual(ContactRole.objects.filter(type=self.technical).count(), 2)

    def test_one_per_partner_type_is_refused_in_the_form_naming_the_holder(self):
        self.post_contact("Kovács", self.financial)
        response = self.post_contact("Szabó", self.financial)
        self.assertContains(response, "already has a Financial contact: Kovács")
        self.assertFalse(Contact.objects.filter(last_name="Szabó").exists())

    def test_one_per_partner_rule_holds_in_the_service_too(self):
        contact_create(partner=self.partner, company=self.company, types=[self.financial], last_name="A")
        with self.assertRaises(ContactRuleError):
            contact_create(partner=self.partner, company=self.company, types=[self.financial], last_name="B")
        self.assertEqual(Contact.objects.filter(partner=self.partner).count(), 1)

    def test_financial_contacts_is_the_one_function(self):
        holder = contact_create(
            partner=self.partner, company=self.company, types=[self.financial], last_name="F"
        )
        contact_create(partner=self.partner, company=self.company, types=[self.technical], last_name="T")
        self.assertEqual(list(financial_contacts(self.partner)), [holder])
        holder.is_active = False
        holder.save()
        self.assertEqual(list(financial_contacts(self.partner)), [])

    def test_edit_keeps_own_exclusive_type(self):
        contact = contact_create(
            partner=self.partner, company=self.company, types=[self.financial], last_name="F"
        )
        response = self.client.post(
            f"/contacts/{contact.pk}/edit/",
            {"last_name": "F2", "types": [self.financial.pk, self.technical.pk], "is_active": "on"},
        )
        self.assertRedirects(response, f"/contacts/{contact.pk}/")
        self.assertEqual(set(contact.roles.values_list("type__code", flat=True)), {"financial", "technical"})

    def test_contact_pages_follow_partner_visibility(self):
        contact = ContactFactory(partner=self.partner)
        outsider = member(self.company, *CONTACT_FUNCTIONS)
        self.client.force_login(outsider)
        self.assertEqual(self.client.get(f"/contacts/{contact.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/partners/{self.partner.pk}/contacts/new/").status_code, 404)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
class ConcurrentOnePerPartnerTests(TransactionTestCase):
    def test_two_concurrent_saves_leave_one_financial_contact(self):
        company = CompanyFactory()
        partner = PartnerAccountFactory(company=company).partner
        financial = ContactTypeFactory(code="financial", cardinality="one")
        barrier = threading.Barrier(2)
        outcomes = []

        def save(name):
            try:
                barrier.wait()
                contact_create(partner=partner, company=None, types=[financial], last_name=name)
                outcomes.append("saved")
            except ContactRuleError:
                outcomes.append("refused")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=save, args=(name,)) for name in ("Első", "Második")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["refused", "saved"])
        self.assertEqual(ContactRole.objects.filter(partner=partner, type=financial).count(), 1)
        self.assertEqual(Contact.objects.filter(partner=partner).count(), 1)


class GdprRequestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.dpo = member(
            cls.company, *CONTACT_FUNCTIONS, "contacts.export_contact_data", "contacts.anonymise_contact"
        )
        cls.seller = member(cls.company, *CONTACT_FUNCTIONS)
        cls.partner = PartnerAccountFactory(company=cls.company, owner=cls.dpo).partner
        cls.technical = ContactTypeFactory(code="technical", cardinality="many")

    def make_contact(self):
        return contact_create(
            partner=self.partner,
            company=self.company,
            types=[self.technical],
            first_name="Éva",
            last_name="Bíró",
            email="eva.biro@example.com",
            phone="+36 30 123 4567",
            notes="likes espresso",
        )

    def test_export_holds_everything_about_the_contact(self):
        contact = self.make_contact()
        self.client.force_login(self.dpo)
        response = self.client.get(f"/contacts/{contact.pk}/export/")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="contact-{contact.pk}.json"')
        data = json.loads(response.content)
        self.assertEqual(data["contact"]["email"], "eva.biro@example.com")
        self.assertEqual(data["types"], ["technical"])
        self.assertEqual(data["partner"]["name"], self.partner.name)
        self.assertEqual(len(data["gdpr_notices"]), 1)
        csv_text = self.client.get(f"/contacts/{contact.pk}/export/?format=csv").content.decode("utf-8-sig")
        self.assertIn("likes espresso", csv_text)

    def test_anonymise_erases_personal_data_and_keeps_the_record(self):
        contact = self.make_contact()
        self.client.force_login(self.dpo)
        self.assertContains(self.client.get(f"/contacts/{contact.pk}/anonymise/"), "cannot be undone")
        self.client.post(f"/contacts/{contact.pk}/anonymise/")
        contact.refresh_from_db()
        self.assertIsNotNone(contact.anonymised_at)
        self.assertEqual((contact.first_name, contact.email, contact.phone, contact.notes), ("", "", "", ""))
        self.assertFalse(contact.gdpr_notices.exclude(recipient="").exists())
        self.assertTrue(Contact.objects.filter(pk=contact.pk).exists())

    def test_gdpr_requests_need_their_functions(self):
        contact = self.make_contact()
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get(f"/contacts/{contact.pk}/export/").status_code, 403)
        self.assertEqual(self.client.post(f"/contacts/{contact.pk}/anonymise/").status_code, 403)
        contact.refresh_from_db()
        self.assertEqual(contact.email, "eva.biro@example.com")
