"""The contact page shares the record layout (issue 18); an ERP contact says what the ERP keeps."""

from django.test import TestCase

from tests.factories import CompanyFactory, ContactFactory, PartnerAccountFactory, PartnerFactory, member

CONTACTS = ("contacts.view_contact", "contacts.change_contact", "partners.view_partner")


def header(html: str) -> str:
    return html[html.index('<article class="record-header"') : html.index("</article>")]


class ContactRecordPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.seller = member(cls.company, *CONTACTS)
        cls.sibling = member(cls.company, *CONTACTS)
        partner = PartnerFactory(name="Duna Zrt.")
        PartnerAccountFactory(company=cls.company, partner=partner, owner=cls.seller)
        cls.crm_contact = ContactFactory(
            partner=partner, first_name="Anna", last_name="Kovács", position="Buyer", phone="+36 1 555 0101"
        )
        cls.erp_contact = ContactFactory(partner=partner, first_name="Béla", last_name="Szabó", erp_id="C-1")

    def page(self, contact) -> str:
        self.client.force_login(self.seller)
        response = self.client.get(f"/contacts/{contact.pk}/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_header_card_shows_the_contact(self):
        card = header(self.page(self.crm_contact))
        self.assertIn('<h1 id="record-title">Kovács Anna</h1>', card)
        for text in ("Duna Zrt.", "Buyer", "+36 1 555 0101"):
            self.assertIn(text, card)
        self.assertIn('data-action="edit"', card)
        self.assertNotIn("Managed by the ERP", card)

    def test_an_erp_contact_says_what_the_erp_keeps_and_edits_only_the_crms_fields(self):
        card = header(self.page(self.erp_contact))
        self.assertIn("Managed by the ERP: change it there.", card)
        self.assertRegex(card, r'data-action="edit">Edit notes and types<')
        form = self.client.get(f"/contacts/{self.erp_contact.pk}/edit/")
        self.assertTrue(form.context["form"].fields["last_name"].disabled)
        self.assertFalse(form.context["form"].fields["notes"].disabled)
        response = self.client.post(
            f"/contacts/{self.erp_contact.pk}/edit/",
            {
                "last_name": "Typed over",
                "email": "typed@example.com",
                "notes": "Prefers calls",
                "is_active": "",
            },
        )
        self.assertRedirects(response, f"/contacts/{self.erp_contact.pk}/")
        self.erp_contact.refresh_from_db()
        self.assertEqual(
            (self.erp_contact.last_name, self.erp_contact.is_active, self.erp_contact.notes),
            ("Szabó", True, "Prefers calls"),
        )
        self.assertNotEqual(self.erp_contact.email, "typed@example.com")

    def test_a_siblings_contact_is_a_404(self):
        self.client.force_login(self.sibling)
        self.assertEqual(self.client.get(f"/contacts/{self.crm_contact.pk}/").status_code, 404)
