from decimal import Decimal

from django.test import TestCase, override_settings
from django.utils import translation

from core.templatetags.crm import money
from tests.factories import CompanyFactory, member


class MoneyFormatTests(TestCase):
    def test_amounts_follow_the_locale(self):
        with translation.override("en"):
            self.assertEqual(money(Decimal("1234567.5"), "EUR"), "1,234,567.50\xa0€")
        with translation.override("hu"):
            self.assertEqual(money(Decimal("1234567.5"), "HUF"), "1\xa0234\xa0568\xa0Ft")
        with translation.override("bg"):
            self.assertEqual(money(Decimal("1234.5"), "BGN"), "1\xa0234,50\xa0лв.")

    def test_garbage_gives_empty_text_not_an_error(self):
        self.assertEqual(money("not a number", "HUF"), "")
        self.assertEqual(money(None, "HUF"), "")


class LanguageSwitchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = member(CompanyFactory(), "partners.view_partner")  # the menu shows only openable pages

    def test_switching_language_translates_the_interface(self):
        self.client.force_login(self.user)
        self.client.post("/i18n/setlang/", {"language": "hu", "next": "/"})
        self.assertContains(self.client.get("/"), "Partnerek")
        self.client.post("/i18n/setlang/", {"language": "bg", "next": "/"})
        self.assertContains(self.client.get("/"), "Партньори")
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        self.assertContains(self.client.get("/"), "Partners")

    @override_settings(LANGUAGE_CODE="en")
    def test_login_page_follows_the_browser_language(self):
        response = self.client.get("/accounts/login/", headers={"accept-language": "hu"})
        self.assertContains(response, 'lang="hu"')


class DateTimeFormatTests(TestCase):
    """Hungarian and Bulgarian companies read day-first dates and the 24-hour clock in every language."""

    moment = __import__("datetime").datetime(2026, 12, 7, 22, 5)

    def shown(self, language: str, fmt: str) -> str:
        from django.utils import formats

        with translation.override(language):
            return formats.date_format(self.moment, fmt)

    def test_bulgarian_date_times_are_day_first_with_the_24_hour_clock(self):
        self.assertEqual(self.shown("bg", "SHORT_DATETIME_FORMAT"), "07.12.2026 22:05")
        # (Django's Bulgarian catalogue capitalises month names.)
        self.assertEqual(self.shown("bg", "DATETIME_FORMAT").casefold(), "07 декември 2026, 22:05")

    def test_english_is_day_first_with_the_24_hour_clock_never_us(self):
        self.assertEqual(self.shown("en", "SHORT_DATETIME_FORMAT"), "07/12/2026 22:05")
        self.assertEqual(self.shown("en", "DATETIME_FORMAT"), "7 Dec 2026, 22:05")
        self.assertEqual(self.shown("en", "SHORT_DATE_FORMAT"), "07/12/2026")

    def test_hungarian_keeps_its_own_year_first_order(self):
        self.assertEqual(self.shown("hu", "SHORT_DATETIME_FORMAT"), "2026.12.07. 22:05")

    def test_day_first_dates_are_accepted_as_typed(self):
        from django import forms

        field = forms.DateField()
        with translation.override("en"):
            self.assertEqual(str(field.clean("07/12/2026")), "2026-12-07")
        with translation.override("bg"):
            self.assertEqual(str(field.clean("07.12.2026")), "2026-12-07")
            self.assertEqual(str(field.clean("2026-12-07")), "2026-12-07")  # ISO always
