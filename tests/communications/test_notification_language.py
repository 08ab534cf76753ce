"""Notifications show in the reader's language, whatever language the sender used."""

from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.utils import translation

from communications.models import Notification
from tests.communications import factories
from tests.factories import CompanyFactory, member

FUNCTIONS = ("communications.view_task", "communications.view_thread")


class NotificationLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="hu")
        cls.sender = member(cls.company, *FUNCTIONS, first_name="Márk", last_name="Szabó")
        cls.reader = member(
            cls.company, *FUNCTIONS, first_name="Sára", last_name="Eladó", email="sara@example.com"
        )
        cls.reader.email_notifications = True
        cls.reader.save()

    def assign_in_english(self):
        with translation.override("en"), self.captureOnCommitCallbacks(execute=True):
            return factories.task(self.company, self.sender, subject="Send the offer", assignee=self.reader)

    def read_in(self, language: str) -> str:
        self.client.force_login(self.reader)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return self.client.get("/notifications/").content.decode()

    def test_the_bell_speaks_the_reader_s_language(self):
        task = self.assign_in_english()
        self.assertIn(f"Márk Szabó Önhöz rendelte: {task}", self.read_in("hu"))
        self.assertIn(f"Márk Szabó ви възложи {task}", self.read_in("bg"))
        self.assertIn(f"Márk Szabó assigned {task} to you", self.read_in("en"))

    def test_the_e_mail_goes_in_the_company_s_language(self):
        task = self.assign_in_english()
        self.assertEqual([message.subject for message in mail.outbox], [f"Márk Szabó Önhöz rendelte: {task}"])

    def test_a_notification_without_a_message_shows_its_text(self):
        old = Notification.objects.create(
            recipient=self.reader, company=self.company, verb="assign", text="Régi szöveg"
        )
        broken = Notification.objects.create(
            recipient=self.reader,
            company=self.company,
            verb="assign",
            text="Kept",
            message="%(gone)s",
            params={},
        )
        self.assertEqual((old.display_text, broken.display_text), ("Régi szöveg", "Kept"))
        self.assertIn("Régi szöveg", self.read_in("hu"))
