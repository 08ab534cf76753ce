"""The filter forms of the partner, event and dunning letter lists: a select's empty choice reads "All" (statuses,
types, levels) or "Anyone" (people), as on the other lists, never Django's "---------"."""

import re

from django.conf import settings
from django.test import TestCase

from tests.events.factories import EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

LISTS = {
    "/partners/": {"owner": "Anyone", "status": "All", "type": "All", "source": "All"},
    "/events/": {"type": "All", "kind": "All", "outcome": "All", "owner": "Anyone"},
    "/receivables/letters/": {"status": "All", "level": "All"},
}
HUNGARIAN = {"All": "Mind", "Anyone": "Bárki"}


def filter_form(html: str) -> str:
    start = html.index('class="list-filters"')
    return html[start : html.index("</form>", start)]


def first_option(form: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', form, re.S)
    assert select, f"no select {name}"
    return re.sub(r"<[^>]+>", "", re.search(r"<option[^>]*>(.*?)</option>", select.group(1), re.S).group(1))


class EmptyChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.user = member(
            cls.company, "partners.view_partner", "events.view_event", "receivables.view_receivables",
            "companies.view_all_company_data", first_name="Fanni", last_name="Finance",
        )  # fmt: skip
        PartnerAccountFactory(company=cls.company, owner=cls.user, partner=PartnerFactory(name="Duna Zrt."))
        EventTypeFactory(code="call", name_en="Call", kind="call")

    def form(self, url: str, language: str) -> str:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.client.force_login(self.user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return filter_form(response.content.decode())

    def test_the_empty_choice_says_all_or_anyone(self):
        for url, selects in LISTS.items():
            for language in ("en", "hu"):
                with self.subTest(url=url, language=language):
                    form = self.form(url, language)
                    self.assertNotIn("---------", form)
                    for name, label in selects.items():
                        expected = label if language == "en" else HUNGARIAN[label]
                        self.assertEqual(first_option(form, name), expected, name)
