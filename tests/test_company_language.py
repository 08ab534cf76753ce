"""A member's language is their company's until they choose one; formats follow (issue 18)."""

from django.conf import settings
from django.test import TestCase, override_settings

from companies.models import User
from tests.factories import CompanyFactory, member


@override_settings(LANGUAGE_FOLLOWS_COMPANY=True)
class CompanyLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.budapest = CompanyFactory(name="Alfa Kft.", country="HU", language="hu")
        cls.sofia = CompanyFactory(name="Beta EOOD", country="BG", language="bg", currency="BGN")
        cls.user = member(cls.budapest, "partners.view_partner", username="anna")
        member(cls.sofia, "partners.view_partner", user=cls.user)

    def page(self, **headers) -> str:
        return self.client.get("/partners/", headers=headers).content.decode()

    def test_a_member_who_never_chose_reads_their_company_s_language_whatever_the_browser_says(self):
        self.client.force_login(self.user)
        content = self.page(accept_language="en-US,en;q=0.9")
        self.assertIn('<html lang="hu"', content)
        self.assertIn("Partnerek", content)

    def test_switching_company_switches_the_default_language(self):
        self.client.force_login(self.user)
        self.client.post("/company/switch/", {"company": self.sofia.pk})
        content = self.page(accept_language="en-US")
        self.assertIn('<html lang="bg"', content)
        self.assertIn("Партньори", content)

    def test_the_switcher_s_choice_wins_and_is_remembered_for_another_browser(self):
        self.client.force_login(self.user)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/partners/"})
        self.assertIn('<html lang="en"', self.page())
        self.user.refresh_from_db()
        self.assertEqual(self.user.list_preferences.get("language"), "en")
        # Another browser: no language cookie, the remembered choice still holds.
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
        self.assertIn('<html lang="en"', self.page(accept_language="hu"))

    def test_english_for_a_hungarian_company_is_day_first_with_the_24_hour_clock(self):
        self.client.force_login(self.user)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        footer = self.page().split('<footer class="footer">')[1]
        self.assertRegex(footer, r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}")
        self.assertNotRegex(footer, r"[ap]\.m\.")

    def test_a_visitor_who_is_not_logged_in_gets_the_browser_s_language(self):
        response = self.client.get("/accounts/login/", headers={"accept-language": "bg"})
        self.assertContains(response, 'lang="bg"')

    def test_a_bad_language_from_a_hand_made_post_changes_nothing(self):
        self.client.force_login(self.user)
        self.client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
        self.assertNotIn("language", User.objects.get(pk=self.user.pk).list_preferences)
        self.assertIn('<html lang="hu"', self.page())


class LanguageDefaultSwitchTests(TestCase):
    def test_with_the_setting_off_the_browser_decides(self):
        company = CompanyFactory(language="hu")
        self.client.force_login(member(company, "partners.view_partner"))
        with override_settings(LANGUAGE_FOLLOWS_COMPANY=False):
            content = self.client.get("/partners/", headers={"accept-language": "en"}).content.decode()
        self.assertIn('<html lang="en"', content)
