"""Page size per list: ?per_page= 25/50/100, remembered per user and list (companies/preferences.py)."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, TestCase

from companies.models import User
from companies.preferences import per_page
from tests.factories import CompanyFactory, PartnerAccountFactory, member

LISTS = {
    "/partners/": "partners",
    "/contacts/": "contacts",
    "/communications/": "communication_list",
    "/tasks/": "task_list",
    "/events/": "events",
    "/receivables/letters/": "letters",
    "/threads/": "threads",
    "/notifications/": "notifications",
}
FUNCTIONS = (
    "partners.view_partner",
    "contacts.view_contact",
    "communications.view_communication",
    "communications.view_task",
    "communications.view_thread",
    "events.view_event",
    "receivables.view_receivables",
)


class PerPageRememberedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *FUNCTIONS)

    def setUp(self):
        self.client.force_login(self.user)

    def size(self, url, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200, url)
        return response.context["page"].paginator.per_page

    def test_every_list_takes_per_page_and_remembers_it_for_the_next_visit(self):
        for url in LISTS:
            with self.subTest(url=url):
                self.assertEqual(self.size(url), 25)
                self.assertEqual(self.size(url, per_page="100"), 100)
                self.assertEqual(self.size(url), 100)  # a later visit without ?per_page=
                self.assertEqual(self.size(url, page="1"), 100)
                self.assertEqual(self.size(url, per_page="50"), 50)
                self.assertEqual(self.size(url), 50)
        self.user.refresh_from_db()
        self.assertEqual(self.user.list_preferences, {name: {"per_page": 50} for name in LISTS.values()})

    def test_each_list_remembers_its_own_size(self):
        self.assertEqual(self.size("/tasks/", per_page="100"), 100)
        self.assertEqual(self.size("/partners/"), 25)
        self.assertEqual(self.size("/tasks/"), 100)

    def test_another_user_keeps_their_own_size(self):
        self.assertEqual(self.size("/partners/", per_page="100"), 100)
        self.client.force_login(member(self.company, *FUNCTIONS))
        self.assertEqual(self.size("/partners/"), 25)

    def test_invalid_values_fall_back_without_an_error(self):
        self.assertEqual(self.size("/partners/", per_page="50"), 50)
        for value in ("7", "0", "-25", "abc", "100000", "25.0", "1e2", "", "\x00", "５０"):
            for url in LISTS:
                with self.subTest(url=url, value=value):
                    expected = 50 if url == "/partners/" else 25
                    self.assertEqual(self.size(url, per_page=value), expected)

    def test_a_spoilt_preference_falls_back_to_the_default(self):
        for spoilt in (
            [],
            "x",
            {"partners": 7},
            {"partners": {"per_page": "lots"}},
            {"partners": {"per_page": 3}},
        ):
            with self.subTest(spoilt=spoilt):
                User.objects.filter(pk=self.user.pk).update(list_preferences=spoilt)
                self.assertEqual(self.size("/partners/"), 25)
                self.assertEqual(self.size("/partners/", per_page="50"), 50)
                self.assertEqual(self.size("/partners/"), 50)

    def test_the_list_offers_the_sizes_and_marks_the_current_one(self):
        for _ in range(30):
            PartnerAccountFactory(company=self.company, owner=self.user)
        response = self.client.get("/partners/")
        self.assertContains(response, '<strong aria-current="true">25</strong>', html=True)
        self.assertContains(response, 'href="?per_page=100"')
        self.client.get("/partners/?per_page=100")
        response = self.client.get("/partners/")
        self.assertContains(response, '<strong aria-current="true">100</strong>', html=True)
        self.assertEqual(len(response.context["page"].object_list), 30)

    def test_choosing_the_same_size_again_writes_nothing(self):
        self.size("/partners/", per_page="50")
        request = RequestFactory().get("/partners/", {"per_page": "50"})
        request.user = User.objects.get(pk=self.user.pk)
        with self.assertNumQueries(0):  # the remembered size is on the user row already loaded
            self.assertEqual(per_page(request, "partners"), 50)

    def test_an_anonymous_request_is_served_but_nothing_is_remembered(self):
        request = RequestFactory().get("/partners/", {"per_page": "100"})
        request.user = AnonymousUser()
        self.assertEqual(per_page(request, "partners"), 100)
        request = RequestFactory().get("/partners/")
        request.user = AnonymousUser()
        self.assertEqual(per_page(request, "partners"), 25)
        self.assertFalse(User.objects.exclude(list_preferences={}).exists())
