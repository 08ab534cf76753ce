"""The menu is built from one list in Python and shows only pages the user can open (issue 18)."""

from django.test import RequestFactory, TestCase
from django.urls import resolve

from crm_project import navigation
from crm_project.navigation import Entry, Section, build_navigation
from tests.factories import CompanyFactory, member, supervise


class NavigationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(name="Alfa Kft.")
        cls.seller = member(
            cls.company, "partners.view_partner", "communications.view_task", username="seller"
        )
        cls.finance = member(
            cls.company, "partners.view_partner", "receivables.view_receivables", username="finance"
        )

    def keys(self, user, path="/partners/") -> list[str]:
        self.client.force_login(user)
        content = self.client.get(path).content.decode()
        return [part.split('"')[0] for part in content.split('data-nav="')[1:]]

    def test_a_seller_sees_the_pages_they_can_open_and_not_the_others(self):
        keys = self.keys(self.seller)
        self.assertIn("partners", keys)
        self.assertIn("tasks", keys)
        self.assertNotIn("receivables", keys)  # needs receivables.view_receivables
        self.assertNotIn("contacts", keys)  # needs contacts.view_contact
        self.assertNotIn("admin", keys)  # staff only

    def test_finance_sees_receivables(self):
        self.assertIn("receivables", self.keys(self.finance))

    def test_every_link_of_the_menu_opens_for_its_user(self):
        for user in (self.seller, self.finance):
            self.client.force_login(user)
            content = self.client.get("/").content.decode()
            for key in self.keys(user, "/"):
                href = content.split(f'" data-nav="{key}"')[0].rsplit('href="', 1)[1]
                status = self.client.get(href).status_code
                self.assertEqual(status, 200, f"{user} {key} {href}: {status}")

    def test_the_current_section_is_marked(self):
        self.client.force_login(self.seller)
        content = self.client.get("/partners/").content.decode()
        self.assertIn('data-nav="partners" aria-current="page"', content)
        self.assertNotIn('data-nav="tasks" aria-current="page"', content)

    def test_team_is_for_people_with_someone_below_them(self):
        boss = member(self.company, "partners.view_partner", username="boss")
        request = RequestFactory().get("/")
        for user, expected in ((boss, False), (self.seller, False)):
            request.user = user
            request.membership = user.memberships.get(company=self.company)
            request.company = self.company
            self.assertEqual(navigation._supervises_or_sees_all(request), expected)
        supervise(self.company, boss, self.seller)
        request = RequestFactory().get("/")
        request.user, request.company = boss, self.company
        request.membership = boss.memberships.get(company=self.company)
        self.assertTrue(navigation._supervises_or_sees_all(request))

    def test_an_entry_whose_url_does_not_exist_yet_is_left_out_instead_of_breaking_the_page(self):
        request = RequestFactory().get("/partners/")
        request.user, request.company = self.seller, self.company
        request.membership = self.seller.memberships.get(company=self.company)
        request.resolver_match = resolve("/partners/")
        sections = (
            Section(
                "Test",
                (
                    Entry("ghost", "nowhere:index", "Ghost"),
                    Entry("partners", "partners:list", "Partners", current_for=("partners:",)),
                ),
            ),
        )
        original = navigation.SECTIONS
        navigation.SECTIONS = sections
        try:
            built = build_navigation(request)
        finally:
            navigation.SECTIONS = original
        links = built["sections"][0][1]
        self.assertEqual([link.key for link in links], ["partners"])
        self.assertTrue(links[0].current)

    def test_no_menu_for_a_visitor(self):
        content = self.client.get("/accounts/login/").content.decode()
        self.assertNotIn('id="sidebar"', content)
        self.assertIn('class="skip-link"', content)
