import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core import mail
from django.test import TestCase, override_settings

from communications.models import Task
from contacts.models import ContactType
from contacts.services import contact_create
from receivables.dunning import dunning_run
from receivables.models import DunningLetter, Invoice
from tests.events.factories import EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

SECRET = "hook:s3cret"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@override_settings(
    EMAIL_BACKEND="anymail.backends.test.EmailBackend",
    ANYMAIL={"WEBHOOK_SECRET": SECRET},
)
class TrackingWebhookTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.finance = member(cls.company, "receivables.view_receivables", "communications.view_task")
        cls.partner = PartnerFactory(name="Bounce Kft.")
        PartnerAccountFactory(company=cls.company, partner=cls.partner, owner=cls.finance)
        financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        contact_create(
            partner=cls.partner, company=None, types=[financial], last_name="X", email="ap@bounce.example"
        )
        Invoice.objects.create(
            company=cls.company, partner=cls.partner, number="B-1", issued_on=date(2026, 9, 1),
            due_on=date(2026, 10, 1), amount=Decimal(90000), open_amount=Decimal(90000),
        )  # fmt: skip

    def send_letter(self) -> DunningLetter:
        # Sent on the run's day, before the ESP's events below (the test must not depend on today).
        with (
            time_machine.travel(datetime(2026, 11, 23, 7, tzinfo=UTC), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            dunning_run(self.company, date(2026, 11, 23))
        letter = DunningLetter.objects.get()
        self.assertEqual(letter.status, "sent")
        self.assertEqual(mail.outbox[0].metadata["letter_id"], str(letter.pk))
        return letter

    def post(self, payload, auth=AUTH):
        return self.client.post(
            "/anymail/postmark/tracking/", json.dumps(payload), content_type="application/json", **auth
        )

    def postmark(self, record_type, letter, **extra):
        return {
            "RecordType": record_type, "MessageID": letter.message_id, "Recipient": "ap@bounce.example",
            "Metadata": {"letter_id": str(letter.pk)}, "ReceivedAt": "2026-11-24T10:00:00Z",
            "DeliveredAt": "2026-11-24T10:00:00Z", "BouncedAt": "2026-11-24T10:05:00Z", **extra,
        }  # fmt: skip

    def test_bad_or_missing_secret_is_refused(self):
        letter = self.send_letter()
        bad = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:wrong").decode()}
        self.assertEqual(self.post(self.postmark("Delivery", letter), auth=bad).status_code, 400)
        self.assertEqual(self.post(self.postmark("Delivery", letter), auth={}).status_code, 400)
        letter.refresh_from_db()
        self.assertEqual(letter.status, "sent")

    def test_delivered_then_opened_updates_status_and_is_idempotent(self):
        letter = self.send_letter()
        self.assertEqual(self.post(self.postmark("Delivery", letter)).status_code, 200)
        opened = self.postmark("Open", letter, FirstOpen=True, ReceivedAt="2026-11-24T11:00:00Z")
        self.post(opened)
        self.post(opened)  # the ESP retries
        letter.refresh_from_db()
        self.assertEqual(letter.status, "opened")
        self.assertEqual(
            list(letter.events.values_list("status", flat=True)), ["sent", "delivered", "opened"]
        )
        self.post(self.postmark("Delivery", letter))  # a late weaker event does not go back
        letter.refresh_from_db()
        self.assertEqual(letter.status, "opened")

    def test_bounce_updates_status_and_creates_a_task_for_finance(self):
        letter = self.send_letter()
        bounce = self.postmark("Bounce", letter, Type="HardBounce", TypeCode=1, ID=4242, Email="ap@bounce.example",
                               Description="The server was unable to deliver your message", Inactive=True)  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.post(bounce).status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            self.post(bounce)
        letter.refresh_from_db()
        self.assertEqual(letter.status, "bounced")
        task = Task.objects.get()
        self.assertIn("Bounce Kft.", task.subject)
        self.assertEqual((task.partner, task.assignee), (self.partner, self.finance))


class ReceivablesPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        # As the demo's Finance group: receivables follow partner visibility, finance see all of them.
        cls.finance = member(
            cls.company,
            "receivables.view_receivables",
            "receivables.run_dunning",
            "companies.view_all_company_data",
        )
        cls.seller = member(cls.company, "partners.view_partner")
        cls.partner = PartnerFactory(name="Ageing Zrt.")
        PartnerAccountFactory(company=cls.company, partner=cls.partner, owner=cls.seller)
        for number, due, amount in (("A-1", date(2026, 11, 10), 1000), ("A-2", date(2026, 9, 1), 5000)):
            Invoice.objects.create(
                company=cls.company, partner=cls.partner, number=number, issued_on=date(2026, 8, 1), due_on=due,
                amount=Decimal(amount), open_amount=Decimal(amount),
            )  # fmt: skip

    def test_desk_shows_ageing_and_the_missing_contact_problem(self):
        self.client.force_login(self.finance)
        response = self.client.get("/receivables/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("<svg", response.content.decode())
        self.assertEqual([letter.partner for letter in response.context["without_contact"]], [self.partner])

    def test_the_add_contact_link_shows_only_to_who_may_add_contacts(self):
        """Finance without contacts.add_contact is not sent to a 403 page."""
        link = f'href="/partners/{self.partner.pk}/contacts/new/"'
        self.client.force_login(self.finance)
        self.assertNotContains(self.client.get("/receivables/"), link)
        able = member(
            self.company,
            "receivables.view_receivables",
            "contacts.add_contact",
            "companies.view_all_company_data",
        )
        self.client.force_login(able)
        self.assertContains(self.client.get("/receivables/"), link)
        self.assertEqual(self.client.get(f"/partners/{self.partner.pk}/contacts/new/").status_code, 200)

    def test_run_now_reports_in_words_with_plurals(self):
        self.client.force_login(self.finance)
        response = self.client.post("/receivables/run/", follow=True)
        self.assertContains(
            response, "Dunning run done: 0 letters queued, 1 partner without a financial contact."
        )
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hu"
        response = self.client.post("/receivables/run/", follow=True)
        self.assertContains(
            response, "A felszólítás lefutott: 0 levél sorban áll, 1 partner pénzügyi kapcsolattartó nélkül."
        )

    def test_the_letters_date_filter_is_on_the_day_a_letter_was_sent(self):
        sent = datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("Europe/Budapest"))
        for slot, sent_at, subject in (
            (date(2026, 9, 17), sent, "Sent in November"),
            (date(2026, 11, 30), None, "Queued"),
        ):
            DunningLetter.objects.create(
                company=self.company, partner=self.partner, slot=slot, level=1, sequence_started_on=slot,
                subject=subject, body="-", status="sent" if sent_at else "queued", sent_at=sent_at,
            )  # fmt: skip
        self.client.force_login(self.finance)
        response = self.client.get(
            "/receivables/letters/", {"sent_from": "2026-11-30", "sent_to": "2026-11-30"}
        )
        self.assertEqual(
            [letter.subject for letter in response.context["page"].object_list], ["Sent in November"]
        )
        response = self.client.get(
            "/receivables/letters/", {"sent_from": "2026-09-01", "sent_to": "2026-09-30"}
        )
        self.assertEqual(list(response.context["page"].object_list), [])

    def test_finance_only(self):
        self.client.force_login(self.seller)
        self.assertEqual(self.client.get("/receivables/").status_code, 403)
        self.assertEqual(self.client.get("/receivables/preview/").status_code, 403)

    def test_preview_sends_nothing(self):
        self.client.force_login(self.finance)
        response = self.client.get("/receivables/preview/")
        self.assertContains(response, "Ageing Zrt.")
        self.assertFalse(DunningLetter.objects.exists())

    def test_collection_call_type_is_refused_to_a_sales_user(self):
        from django.contrib.auth.models import Group

        finance_group = Group.objects.create(name="Finance")
        collection = EventTypeFactory(code="collection-call", kind="call")
        collection.allowed_groups.set([finance_group])
        seller = member(self.company, "events.view_event", "events.add_event", "partners.view_partner")
        self.client.force_login(seller)
        response = self.client.post(
            "/events/new/",
            {"type": collection.pk, "subject": "Pay!", "owner": seller.pk, "starts_at": "2026-11-24T10:00"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("type", response.context["form"].errors)
