"""Which dashboards a user gets on the home page, and which one opens first."""

from django.test import TestCase

from tests.factories import CompanyFactory, member, supervise

SALES = ("partners.view_partner", "events.view_event", "communications.view_task")
FINANCE = ("receivables.view_receivables", "companies.view_all_company_data", "partners.view_partner")


class HomeTabsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.seller = member(cls.company, *SALES)
        cls.manager = member(cls.company, *SALES)
        supervise(cls.company, cls.manager, cls.seller)
        cls.finance = member(cls.company, *FINANCE)
        cls.finance_head = member(cls.company, *FINANCE)
        supervise(cls.company, cls.finance_head, cls.finance)

    def tabs(self, user, query=""):
        self.client.force_login(user)
        response = self.client.get(f"/{query}")
        self.assertEqual(response.status_code, 200)
        return response.context["tab"], [name for name, _label in response.context["tabs"]], response

    def test_a_sales_user_has_their_own_work_and_no_tabs(self):
        tab, tabs, response = self.tabs(self.seller)
        self.assertEqual((tab, tabs), ("mine", []))
        self.assertNotContains(response, 'class="dash-tabs"')
        self.assertContains(response, "My tasks")

    def test_a_manager_opens_on_the_team_and_can_switch_to_their_own_work(self):
        tab, tabs, response = self.tabs(self.manager)
        self.assertEqual((tab, tabs), ("team", ["team", "mine"]))
        self.assertContains(response, '<a href="?tab=team" aria-current="page">My team</a>', html=True)
        self.assertContains(response, "This week against last week")
        tab, _tabs, response = self.tabs(self.manager, "?tab=mine")
        self.assertEqual(tab, "mine")
        self.assertContains(response, "My tasks")

    def test_finance_opens_on_finance(self):
        self.assertEqual(self.tabs(self.finance)[:2], ("finance", ["finance", "mine"]))
        self.assertEqual(self.tabs(self.finance_head)[:2], ("finance", ["finance", "team", "mine"]))
        self.assertContains(self.tabs(self.finance)[2], "Letters this week")

    def test_a_tab_that_does_not_apply_falls_back_to_the_default(self):
        for query in ("?tab=finance", "?tab=team", "?tab=%00", "?tab=" + "x" * 500):
            with self.subTest(query=query):
                self.assertEqual(self.tabs(self.seller, query)[0], "mine")
        self.assertEqual(self.tabs(self.manager, "?tab=finance")[0], "team")

    def test_another_company_member_is_refused(self):
        stranger = member(CompanyFactory(), *SALES)
        self.client.force_login(stranger)
        self.assertNotContains(self.client.get("/"), self.seller.last_name)
