import io
import tempfile
from pathlib import Path

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import TestCase, override_settings

from contacts.models import GdprNotice, GdprNoticeTemplate
from contacts.notices import notice_message_id
from contacts.services import contact_create
from contacts.tasks import send_gdpr_notice
from devtools.mailsink import MailSink
from tests.factories import (
    CompanyFactory,
    ContactTypeFactory,
    PartnerAccountFactory,
    PartnerFactory,
    UserFactory,
    member,
)


class FlakyEmailBackend(EmailBackend):
    """The far side of the network: the first send fails like an SMTP server that is down."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise ConnectionRefusedError("SMTP server refused the connection")
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend", ANYMAIL={"TEST_SEND_DEFAULTS": {}})
class GdprNoticeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(name="Alfa Kft.", language="hu")
        cls.user = member(
            cls.company, "partners.view_partner", "contacts.add_contact", "contacts.view_contact"
        )
        cls.partner = PartnerAccountFactory(
            company=cls.company, owner=cls.user, partner=PartnerFactory(name="Duna Zrt.")
        ).partner

    def create_by_form(self, email, last_name="Kovács", language=""):
        self.client.force_login(self.user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                f"/partners/{self.partner.pk}/contacts/new/",
                {"last_name": last_name, "email": email, "preferred_language": language},
            )

    def test_form_sends_the_notice_once_in_the_contacts_language(self):
        self.create_by_form("Anna.Kovacs@Example.com", language="en")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["Anna.Kovacs@Example.com"])
        self.assertIn("Alfa Kft.", message.subject)
        self.assertIn("Duna Zrt.", message.body)
        self.assertIn("erasure", message.body)
        notice = GdprNotice.objects.get()
        self.assertEqual((notice.status, notice.attempts, notice.language), ("sent", 1, "en"))
        self.assertTrue(notice.message_id)

    def test_company_language_is_the_fallback(self):
        self.create_by_form("b@example.com")
        self.assertEqual(GdprNotice.objects.get().language, "hu")
        self.assertIn("Alfa Kft.", mail.outbox[0].subject)

    def test_the_same_address_is_never_notified_twice_in_a_company(self):
        self.create_by_form("same@example.com", last_name="Első")
        self.create_by_form("SAME@example.com ", last_name="Második")
        with self.captureOnCommitCallbacks(execute=True):
            contact_create(
                partner=self.partner, company=self.company, last_name="Harmadik", email="same@example.com"
            )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(GdprNotice.objects.count(), 1)

    def test_another_company_sends_its_own_notice(self):
        other = CompanyFactory(name="Beta EOOD", language="bg")
        self.create_by_form("shared@example.com")
        with self.captureOnCommitCallbacks(execute=True):
            contact_create(
                partner=self.partner, company=other, last_name="Петров", email="shared@example.com"
            )
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("Beta EOOD", mail.outbox[1].subject)

    def test_import_sends_the_notice_once(self):
        ContactTypeFactory(code="financial", cardinality="one")
        self.partner.tax_number = "10537914-2-44"
        self.partner.save()
        rows = (
            "partner_tax_number,first_name,last_name,email,types\n"
            "10537914-2-44,Judit,Fekete,judit@example.com,financial\n"
            "10537914-2-44,Judit,Fekete,judit@example.com,\n"
            "99999999-9-99,No,Partner,x@example.com,\n"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as handle:
            handle.write(rows)
        out, err = io.StringIO(), io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("import_contacts", handle.name, company=self.company.code, stdout=out, stderr=err)
        self.assertIn("imported: 2, skipped: 1", out.getvalue())
        self.assertIn("no partner", err.getvalue())
        self.assertEqual([m.to for m in mail.outbox], [["judit@example.com"]])

    @override_settings(EMAIL_BACKEND="tests.contacts.test_gdpr_notice.FlakyEmailBackend")
    def test_a_failed_send_is_retried_and_delivered_once(self):
        FlakyEmailBackend.failures_left = 1
        self.create_by_form("retry@example.com")
        self.assertEqual(len(mail.outbox), 1)
        notice = GdprNotice.objects.get()
        self.assertEqual((notice.status, notice.attempts), ("sent", 2))
        self.assertEqual(notice.last_error, "")

    @override_settings(EMAIL_BACKEND="tests.contacts.test_gdpr_notice.FlakyEmailBackend")
    def test_a_duplicate_task_after_success_sends_nothing(self):

        FlakyEmailBackend.failures_left = 0
        self.create_by_form("dup@example.com")
        send_gdpr_notice.delay(GdprNotice.objects.get().pk)
        self.assertEqual(len(mail.outbox), 1)

    def test_admin_template_overrides_the_built_in_text(self):
        GdprNoticeTemplate.objects.create(
            company=self.company,
            language="hu",
            subject="Adatkezelési tájékoztató – {{ company_name }}",
            body="Kedves {{ contact_name }}! A(z) {{ partner_name }} kapcsolattartójaként rögzítettük adatait.",
        )
        self.create_by_form("hu@example.com", last_name="Nagy")
        self.assertEqual(mail.outbox[0].subject, "Adatkezelési tájékoztató – Alfa Kft.")
        self.assertIn("Kedves Nagy!", mail.outbox[0].body)

    def test_contact_page_shows_the_notice_status(self):
        response = self.create_by_form("page@example.com")
        page = self.client.get(response["Location"])
        self.assertContains(page, "Sent")
        self.assertContains(page, "page@example.com")

    def test_no_email_no_notice(self):
        self.create_by_form("")
        self.assertEqual(len(mail.outbox), 0)
        self.assertFalse(GdprNotice.objects.exists())


class DropAfterAccept(Exception):
    """Raised by the sink's hook: the message is stored, the answer never reaches the sender."""


class GdprNoticeIdempotencyTests(TestCase):
    """Through anymail's Resend backend to the local sink, which honours the idempotency key."""

    def setUp(self):
        self.sink = MailSink(Path(tempfile.mkdtemp(prefix="crm-sink-")) / "sink.sqlite3").start()
        self.addCleanup(self.sink.stop)
        settings = override_settings(
            EMAIL_BACKEND="ops.mail.ResendEmailBackend",
            ANYMAIL={"RESEND_API_KEY": "re_test", "RESEND_API_URL": self.sink.url},
        )
        settings.enable()
        self.addCleanup(settings.disable)
        self.company = CompanyFactory(name="Alfa Kft.", language="en")
        self.partner = PartnerFactory(name="Duna Zrt.")

    def create_contact(self, email="anna@example.com"):
        with self.captureOnCommitCallbacks(execute=True):
            contact_create(partner=self.partner, company=self.company, last_name="Kovács", email=email)
        return GdprNotice.objects.get()

    def test_an_answer_lost_after_the_esp_accepted_is_retried_and_delivered_once(self):
        def drop_first(message):
            self.sink.on_accept = None
            raise DropAfterAccept

        self.sink.on_accept = drop_first
        notice = self.create_contact()
        self.assertEqual((notice.status, notice.attempts), ("sent", 2))
        delivered = self.sink.store.messages()
        self.assertEqual([m.recipients for m in delivered], [("anna@example.com",)])
        self.assertEqual(delivered[0].idempotency_key, notice_message_id(notice).strip("<>"))
        self.assertEqual(notice.message_id, delivered[0].id)
        self.assertEqual(self.sink.store.request_counts(), {"delivered": 1, "replayed": 1})

    def test_a_key_already_used_for_another_text_counts_as_sent_and_is_not_delivered_again(self):
        # An earlier attempt delivered the notice, then the template was edited before the resend.
        contact_create(
            partner=self.partner, company=self.company, last_name="Kovács", email="anna@example.com"
        )
        notice = GdprNotice.objects.get()  # recorded; its task not run yet
        self.sink.store.accept(
            {"from": "crm@localhost", "to": ["anna@example.com"], "subject": "Old text", "text": "Old"},
            notice_message_id(notice).strip("<>"),
        )
        send_gdpr_notice.delay(notice.pk)
        notice.refresh_from_db()
        self.assertEqual((notice.status, notice.attempts, notice.message_id), ("sent", 1, ""))
        self.assertEqual([m.subject for m in self.sink.store.messages()], ["Old text"])
        self.assertEqual(self.sink.store.request_counts(), {"delivered": 1, "conflict": 1})

    def test_the_admin_sends_again_a_notice_that_used_up_its_attempts(self):
        self.sink.on_accept = None
        contact_create(
            partner=self.partner, company=self.company, last_name="Kovács", email="anna@example.com"
        )
        GdprNotice.objects.update(status="gave_up", attempts=6, last_error="SMTP down")
        self.assertEqual(send_gdpr_notice.delay(GdprNotice.objects.get().pk).get(), "nothing to do")
        admin_user = UserFactory(is_staff=True, is_superuser=True)
        member(self.company, user=admin_user)
        self.client.force_login(admin_user)
        response = self.client.post(
            "/admin/contacts/gdprnotice/",
            {"action": "retry", "_selected_action": [GdprNotice.objects.get().pk]},
        )
        self.assertEqual(response.status_code, 302)
        notice = GdprNotice.objects.get()
        self.assertEqual((notice.status, notice.attempts), ("sent", 1))
        self.assertEqual(len(self.sink.store.messages()), 1)


HU_CONTROLLER = {
    "registered_seat": "1138 Budapest, Váci út 141.",
    "registration_number": "01-09-123456",
    "tax_number": "11234566-2-41",
    "privacy_contact": "Kiss Judit, adatvédelmi tisztviselő",
    "privacy_email": "adatvedelem@alfa.example",
}


@override_settings(
    EMAIL_BACKEND="anymail.backends.test.EmailBackend",
    ANYMAIL={"TEST_SEND_DEFAULTS": {}},
    DEFAULT_FROM_EMAIL="noreply@crm.example",
)
class GdprNoticeControllerTests(TestCase):
    """The notice names the controller, the authority of its country, the source; greets by name order."""

    def notify(self, company, language="", **contact_fields):
        partner = PartnerFactory(name="Duna Zrt.")
        fields = {"first_name": "Anna", "last_name": "Kovács", "email": "anna@duna.example", **contact_fields}
        with self.captureOnCommitCallbacks(execute=True):
            contact_create(partner=partner, company=company, preferred_language=language, **fields)
        return mail.outbox[-1]

    def test_a_hungarian_notice_names_the_controller_and_naih(self):
        company = CompanyFactory(name="Alfa Kft.", country="HU", language="hu", **HU_CONTROLLER)
        message = self.notify(company)
        body = message.body
        self.assertEqual(message.subject, "Adatkezelési tájékoztató – Alfa Kft.")
        self.assertTrue(body.startswith("Tisztelt Kovács Anna!"))
        for text in (
            "Székhely: 1138 Budapest, Váci út 141.",
            "Cégjegyzékszám: 01-09-123456",
            "Adószám: 11234566-2-41",
            "Adatvédelmi kapcsolattartó: Kiss Judit, adatvédelmi tisztviselő",
            "E-mail: adatvedelem@alfa.example",
            "Nemzeti Adatvédelmi és Információszabadság Hatóság (NAIH)",
            "1055 Budapest, Falk Miksa utca 9-11.",
            "www.naih.hu",
            "Az adatok forrása: a(z) Duna Zrt. mint üzleti partnerünk",
        ):
            self.assertIn(text, body)
        self.assertNotIn("noreply@crm.example", body)

    def test_a_bulgarian_notice_names_the_kzld_and_greets_given_name_first(self):
        company = CompanyFactory(
            name="Beta EOOD", country="BG", language="bg", registered_seat="гр. София 1000, ул. „Граф Игнатиев“ № 15",
            registration_number="204567893", tax_number="BG204567893", privacy_contact="Мария Иванова",
            privacy_email="privacy@beta.example",
        )  # fmt: skip
        body = self.notify(company, first_name="Анна", last_name="Ковач").body
        self.assertTrue(body.startswith("Уважаеми/а Анна Ковач,"))
        for text in (
            "Администратор на лични данни:",
            "Beta EOOD",
            "гр. София 1000, ул. „Граф Игнатиев“ № 15",
            "204567893",
            "Мария Иванова",
            "privacy@beta.example",
            "Комисия за защита на личните данни (КЗЛД)",
            "гр. София 1592, бул. „Проф. Цветан Лазаров“ № 2",
            "www.cpdp.bg",
            "Източник на данните: нашият търговски партньор Duna Zrt.",
        ):
            self.assertIn(text, body)

    def test_an_english_notice_greets_given_name_first_and_names_the_companys_authority(self):
        company = CompanyFactory(name="Alfa Kft.", country="HU", language="hu", **HU_CONTROLLER)
        body = self.notify(company, language="en").body
        self.assertTrue(body.startswith("Dear Anna Kovács,"))
        self.assertIn(
            "Hungarian National Authority for Data Protection and Freedom of Information (NAIH)", body
        )
        self.assertIn("Write to: Kiss Judit, adatvédelmi tisztviselő, adatvedelem@alfa.example.", body)

    def test_a_contact_from_the_erp_import_is_told_so(self):
        company = CompanyFactory(name="Alfa Kft.", country="HU", language="en", **HU_CONTROLLER)
        body = self.notify(company, erp_id="ERP-C-1").body
        self.assertIn("Source of the data: our enterprise resource planning (ERP) system", body)

    def test_without_a_privacy_email_people_write_to_the_seat_and_the_admin_is_told(self):
        details = {**HU_CONTROLLER, "privacy_email": "", "privacy_contact": ""}
        company = CompanyFactory(name="Alfa Kft.", country="HU", language="en", **details)
        body = self.notify(company).body
        self.assertIn("Write to: by post to our registered seat (1138 Budapest, Váci út 141.).", body)
        self.assertNotIn("noreply@crm.example", body)
        admin_user = UserFactory(is_staff=True, is_superuser=True)
        member(company, user=admin_user)
        self.client.force_login(admin_user)
        page = self.client.get("/admin/contacts/gdprnotice/")
        self.assertContains(page, "Privacy notices of Alfa Kft. lack: privacy contact, privacy e-mail.")
