"""Contact-person pickers on communications and events offer the chosen partner's contacts only."""

from django.test import TestCase

from communications.models import Communication
from events.models import Event
from tests.events.factories import EventTypeFactory
from tests.factories import CompanyFactory, ContactFactory, PartnerAccountFactory, PartnerFactory, member

FUNCTIONS = (
    "communications.view_communication",
    "communications.add_communication",
    "communications.change_communication",
    "communications.view_thread",
    "events.view_event",
    "events.add_event",
    "events.change_event",
    "partners.view_partner",
)
REFUSED = "Pick a contact person of the chosen partner."


class ContactPickerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, *FUNCTIONS)
        cls.duna = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Duna Zrt.")
        ).partner
        cls.tisza = PartnerAccountFactory(
            company=cls.company, owner=cls.seller, partner=PartnerFactory(name="Tisza Kft.")
        ).partner
        cls.anna = ContactFactory(partner=cls.duna, first_name="Anna", last_name="Dunai")
        cls.tibor = ContactFactory(partner=cls.tisza, first_name="Tibor", last_name="Tiszai")
        cls.gone = ContactFactory(partner=cls.duna, first_name="Gábor", last_name="Régi", is_active=False)
        other_company = CompanyFactory()
        cls.foreign = PartnerAccountFactory(
            company=other_company, owner=member(other_company), partner=PartnerFactory(name="Idegen Bt.")
        ).partner
        cls.stranger = ContactFactory(partner=cls.foreign, first_name="Ida", last_name="Idegen")
        cls.call = EventTypeFactory(code="call", name_en="Call", kind="call")

    def setUp(self):
        self.client.force_login(self.seller)

    def choices(self, response, field):
        return [label for value, label in response.context["form"].fields[field].choices if value != ""]

    def test_the_communication_form_offers_the_chosen_partner_s_contacts(self):
        self.assertEqual(self.choices(self.client.get("/communications/new/"), "contact"), [])
        response = self.client.get(f"/communications/new/?partner={self.duna.pk}")
        self.assertEqual(self.choices(response, "contact"), ["Dunai Anna"])
        self.assertContains(response, 'data-contacts-url="/contacts/options/"')
        self.assertContains(response, 'data-partner-field="id_partner"')

    def test_a_contact_of_another_partner_is_refused_next_to_the_field(self):
        data = {
            "direction": "in", "channel": "phone", "partner": self.duna.pk, "contact": self.tibor.pk,
            "subject": "Price question", "status": "new",
        }  # fmt: skip
        response = self.client.post("/communications/new/", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["contact"], [REFUSED])
        self.assertContains(response, REFUSED)
        self.assertContains(response, 'value="Price question"')
        self.assertFalse(Communication.objects.exists())
        response = self.client.post("/communications/new/", {**data, "contact": self.anna.pk})
        self.assertEqual(Communication.objects.get().contact, self.anna)

    def test_the_event_form_offers_and_accepts_the_chosen_partner_s_contacts_only(self):
        response = self.client.get(f"/events/new/?partner={self.tisza.pk}")
        self.assertEqual(self.choices(response, "contacts"), ["Tiszai Tibor"])
        data = {
            "type": self.call.pk, "subject": "Intro", "partner": self.tisza.pk, "owner": self.seller.pk,
            "starts_at": "2030-03-02T10:00", "ends_at": "2030-03-02T10:30", "contacts": [self.anna.pk],
        }  # fmt: skip
        response = self.client.post("/events/new/", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["contacts"], [REFUSED])
        self.assertFalse(Event.objects.exists())
        response = self.client.post("/events/new/", {**data, "contacts": [self.tibor.pk]})
        self.assertEqual(list(Event.objects.get().contacts.all()), [self.tibor])

    def test_options_endpoint_lists_visible_active_contacts_of_the_partner(self):
        def options(value):
            response = self.client.get("/contacts/options/", {"partner": value})
            self.assertEqual(response.status_code, 200)
            return [option["label"] for option in response.json()["options"]]

        self.assertEqual(options(self.duna.pk), ["Dunai Anna"])
        self.assertEqual(options(self.tisza.pk), ["Tiszai Tibor"])
        self.assertEqual(options(self.foreign.pk), [])  # another company's partner
        for hostile in ("", "abc", "-1", "9" * 40, "1\x00"):
            self.assertEqual(options(hostile), [])
