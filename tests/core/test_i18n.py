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
        cls.user = member(CompanyFactory())

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
