"""The weekly digest: Monday 07:00 in each company's zone, once per supervisor and week, in their language."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from ops.jobs import SLOT_HEADER
from team.digest import digest_record_due, digest_week
from team.models import DigestDelivery, DigestPreference
from team.tasks import record_weekly_digests
from tests.factories import CompanyFactory, member, supervise
from tests.team.world import World

BUDAPEST = ZoneInfo("Europe/Budapest")
SOFIA = ZoneInfo("Europe/Sofia")
MONDAY_0705 = datetime(2026, 12, 14, 7, 5, tzinfo=BUDAPEST)  # the week 7-13 December has ended


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class DigestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(datetime(2026, 12, 9, 10, 0, tzinfo=BUDAPEST), tick=False):
            cls.w = World()

    def sent_to(self) -> dict[str, mail.EmailMessage]:
        return {m.to[0]: m for m in mail.outbox}

    def test_each_supervisor_gets_last_weeks_summary_once_per_slot(self):
        with time_machine.travel(MONDAY_0705, tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                record_weekly_digests.apply_async(headers={SLOT_HEADER: MONDAY_0705.isoformat()})
            with self.captureOnCommitCallbacks(execute=True):  # a second beat, the same slot
                record_weekly_digests.apply_async(headers={SLOT_HEADER: MONDAY_0705.isoformat()})
            with self.captureOnCommitCallbacks(execute=True):  # the next hour's run: nothing new
                digest_record_due(now=MONDAY_0705 + timedelta(hours=1))
        sent = self.sent_to()
        self.assertEqual(sorted(sent), ["anna@example.com", "bela@example.com", "boss@example.com"])
        self.assertEqual(len(mail.outbox), 3)
        anna = sent["anna@example.com"].body
        # Seen on Monday: all of last week's events are held; 4 meetings are overdue by now.
        # In the company's language (Hungarian; anna chose none).
        self.assertIn("Sara One: 3 kommunikáció (+2), 6 megtartott esemény (+4), 4 lejárt találkozó", anna)
        self.assertNotIn("Sol Three", anna)  # not in anna's team
        self.assertIn("/team/?period=custom&start=2026-12-07&end=2026-12-13", anna)
        self.assertEqual(DigestDelivery.objects.filter(status="sent").count(), 3)

    def test_in_the_users_language_else_the_companys(self):
        DigestPreference.objects.create(user=self.w.bela, language="bg")
        with time_machine.travel(MONDAY_0705, tick=False), self.captureOnCommitCallbacks(execute=True):
            digest_record_due()
        sent = self.sent_to()
        self.assertEqual(DigestDelivery.objects.get(user=self.w.bela).language, "bg")
        self.assertEqual(DigestDelivery.objects.get(user=self.w.anna).language, "hu")  # the company's
        # Written in that language: its date format (bg day.month.year, hu year.month.day.).
        self.assertIn("07.12.2026", sent["bela@example.com"].subject)
        self.assertIn("2026.12.07.", sent["anna@example.com"].subject)

    def test_no_double_full_stop_in_hungarian_or_bulgarian(self):
        # Hungarian dates end in a full stop (2026.12.07.), so does the company's name here (Kft.).
        DigestPreference.objects.create(user=self.w.bela, language="bg")
        with time_machine.travel(MONDAY_0705, tick=False), self.captureOnCommitCallbacks(execute=True):
            digest_record_due()
        sent = self.sent_to()
        for address, language in (("anna@example.com", "hu"), ("bela@example.com", "bg")):
            with self.subTest(language=language):
                message = sent[address]
                self.assertIn("Kft.", message.body)
                for text in (message.subject, message.body):
                    self.assertNotRegex(text, r"(?<!\.)\.\.(?!\.)")

    def test_one_and_two_read_right_in_english(self):
        DigestPreference.objects.create(user=self.w.anna, language="en")
        with time_machine.travel(MONDAY_0705, tick=False), self.captureOnCommitCallbacks(execute=True):
            digest_record_due()
        lines = self.sent_to()["anna@example.com"].body.splitlines()
        # One of a figure takes the singular, two or more (and none) the plural.
        self.assertIn(
            "Sara One: 3 communications (+2), 6 events held (+4), 4 overdue meetings, 1 task done, "
            "2 overdue tasks, 1 partner without a next event, 1 partner taken away, 1 new partner",
            lines,
        )
        self.assertIn(
            "Sam Two: 1 communication (+1), 0 events held, 0 overdue meetings, 0 tasks done, "
            "0 overdue tasks, 0 partners without a next event, 0 partners taken away, 0 new partners",
            lines,
        )

    def test_opted_out_users_get_nothing(self):
        DigestPreference.objects.create(user=self.w.anna, weekly_digest=False)
        with time_machine.travel(MONDAY_0705, tick=False), self.captureOnCommitCallbacks(execute=True):
            digest_record_due()
        self.assertNotIn("anna@example.com", self.sent_to())
        self.assertEqual(len(mail.outbox), 2)

    def test_monday_morning_in_the_companys_own_zone(self):
        company = self.w.company
        self.assertIsNone(digest_week(company, datetime(2026, 12, 14, 6, 59, tzinfo=BUDAPEST)))
        self.assertIsNotNone(digest_week(company, datetime(2026, 12, 14, 7, 0, tzinfo=BUDAPEST)))
        self.assertIsNone(digest_week(company, datetime(2026, 12, 15, 9, 0, tzinfo=BUDAPEST)))  # Tuesday
        sofia = CompanyFactory(country="BG", language="bg")
        # 06:05 in Budapest is 07:05 in Sofia: the Bulgarian company's digest is due, the Hungarian not yet.
        self.assertIsNotNone(digest_week(sofia, datetime(2026, 12, 14, 6, 5, tzinfo=BUDAPEST)))
        self.assertIsNone(digest_week(company, datetime(2026, 12, 14, 6, 5, tzinfo=BUDAPEST)))
        week = digest_week(sofia, datetime(2026, 12, 14, 7, 0, tzinfo=SOFIA))
        self.assertEqual((week.start.isoformat(), week.end.isoformat()), ("2026-12-07", "2026-12-13"))

    def test_a_bulgarian_supervisor_gets_it_in_bulgarian(self):
        sofia = CompanyFactory(country="BG", language="bg")
        boss = member(sofia, username="bgboss", first_name="Ivan", last_name="Petrov")
        seller = member(sofia, username="bgseller")
        supervise(sofia, boss, seller)
        sofia_monday = datetime(2026, 12, 14, 7, 5, tzinfo=SOFIA)
        with time_machine.travel(sofia_monday, tick=False), self.captureOnCommitCallbacks(execute=True):
            digest_record_due()
        message = self.sent_to()["bgboss@example.com"]
        self.assertEqual(DigestDelivery.objects.get(user=boss).language, "bg")
        self.assertIn(str(seller), message.body)
        self.assertIn("07.12.2026", message.subject)
        self.assertEqual(message.extra_headers["Message-ID"][:13], "<team-digest-")

    def test_the_settings_page_opts_out(self):
        self.client.force_login(self.w.anna)
        self.assertContains(self.client.get("/me/"), 'href="/team/digest/"')
        response = self.client.post("/team/digest/", {"language": "en"})
        self.assertEqual(response.status_code, 302)
        preference = DigestPreference.objects.get(user=self.w.anna)
        self.assertEqual((preference.weekly_digest, preference.language), (False, "en"))
        response = self.client.post("/team/digest/", {"weekly_digest": "on", "language": "xx"})
        self.assertContains(response, 'id="id_language_error"')  # the error next to the field
        self.assertContains(response, 'name="weekly_digest" id="id_weekly_digest" checked')  # kept as ticked
        self.assertFalse(DigestPreference.objects.get(user=self.w.anna).weekly_digest)
