"""Saved views of the lists (issue 18): save the filters, sorting and page size under a name, open one
by default, share it with the company, rename and delete with confirmation; own + shared, in the active
company only, and a shared view shows each viewer only their own visible rows."""

from datetime import timedelta

from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from communications.models import TaskStatus
from companies.models import SavedView, User
from companies.saved_views import default_view_id, normalized_query
from companies.visibility import Viewer
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, member, supervise


class SavedViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.lead = member(cls.company, *ALL, first_name="Lili", last_name="Lead")
        cls.seller = member(cls.company, *ALL, first_name="Sanyi", last_name="Seller")
        cls.sibling = member(cls.company, *ALL, first_name="Zsuzsa", last_name="Sibling")
        supervise(cls.company, cls.lead, cls.seller)
        supervise(cls.company, cls.lead, cls.sibling)
        cls.other_company = CompanyFactory()
        cls.stranger = member(cls.other_company, *ALL)
        past = timezone.now() - timedelta(days=2)
        cls.late_mine = factories.task(cls.company, cls.seller, subject="Seller late", deadline=past)
        cls.late_theirs = factories.task(cls.company, cls.sibling, subject="Sibling late", deadline=past)
        cls.on_time = factories.task(
            cls.company, cls.seller, subject="Seller later", deadline=past + timedelta(days=9)
        )

    def login(self, user):
        self.client = self.client_class()  # a new browser: no message left by the previous user
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.client.force_login(user)

    def save(self, name="Overdue", query="overdue=1&sort=deadline&page=3", **extra):
        data = {"list_name": "tasks", "name": name, "query": query, **extra}
        return self.client.post("/views/save/", data)

    def subjects(self, response) -> set[str]:
        return {task.subject for task in response.context["page"].object_list}

    def test_saving_keeps_filters_sorting_and_page_size_not_the_page_number(self):
        self.login(self.seller)
        response = self.save()
        view = SavedView.objects.get()
        self.assertEqual((view.owner, view.company, view.list_name), (self.seller, self.company, "tasks"))
        self.assertEqual(view.query, "overdue=1&sort=deadline")
        self.assertRedirects(response, "/tasks/?overdue=1&sort=deadline")
        response = self.client.get("/tasks/?overdue=1&sort=deadline")
        self.assertEqual(self.subjects(response), {"Seller late"})
        # The tab is there and marked as the one in use; the "All" tab is not.
        self.assertContains(response, '<a href="?overdue=1&amp;sort=deadline" aria-current="page">Overdue')
        self.assertContains(response, '<a href="/tasks/?all=1">All</a>')

    def test_the_toolbar_offers_to_save_the_current_page_size_too(self):
        self.login(self.seller)
        response = self.client.get("/tasks/?status=new&per_page=50&page=2")
        self.assertContains(response, 'name="query" value="per_page=50&amp;status=new"')
        self.client.get("/tasks/?per_page=100")  # remembered from now on
        response = self.client.get("/tasks/?status=new")
        self.assertContains(response, 'name="query" value="per_page=100&amp;status=new"')

    def test_a_name_is_required_and_unique_per_list_with_the_error_next_to_the_field(self):
        self.login(self.seller)
        response = self.save(name="  ")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This field is required.", status_code=400)
        self.save(name="Overdue")
        response = self.save(name="Overdue", query="status=new", shared="on")
        self.assertContains(
            response, "You already have a view named “Overdue” on this list.", status_code=400
        )
        self.assertContains(response, 'value="Overdue"', status_code=400)  # nothing typed is lost
        self.assertContains(response, 'value="status=new"', status_code=400)
        self.assertEqual(SavedView.objects.count(), 1)
        self.assertEqual(self.save(name="Overdue", list_name="passwords").status_code, 400)

    def test_the_default_view_opens_the_list_and_all_does_not(self):
        self.login(self.seller)
        self.save(make_default="on")
        view = SavedView.objects.get()
        self.assertEqual(default_view_id(User.objects.get(pk=self.seller.pk), "tasks"), view.pk)
        self.assertRedirects(self.client.get("/tasks/"), "/tasks/?overdue=1&sort=deadline")
        response = self.client.get("/tasks/?all=1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.subjects(response), {"Seller late", "Seller later"})
        self.assertContains(response, "★")
        # Again: the list opens without a saved view.
        self.client.post(f"/views/{view.pk}/default/")
        self.assertEqual(self.client.get("/tasks/").status_code, 200)

    def test_a_supervisors_shared_view_shows_each_colleague_their_own_rows(self):
        self.login(self.lead)
        self.save(name="My team's overdue tasks", shared="on")
        view = SavedView.objects.get()
        response = self.client.get("/tasks/?" + view.query)
        self.assertEqual(self.subjects(response), {"Seller late", "Sibling late"})
        self.login(self.seller)
        response = self.client.get("/tasks/?all=1")
        self.assertContains(response, "My team&#x27;s overdue tasks")
        self.assertContains(response, "by Lili Lead")
        self.assertEqual(self.subjects(self.client.get("/tasks/?" + view.query)), {"Seller late"})
        # A colleague may open the list with it, not change or delete it.
        self.client.post(f"/views/{view.pk}/default/")
        self.assertRedirects(self.client.get("/tasks/"), "/tasks/?" + view.query)
        self.assertEqual(self.client.get(f"/views/{view.pk}/edit/").status_code, 403)
        self.assertEqual(self.client.post(f"/views/{view.pk}/delete/").status_code, 403)
        self.assertTrue(SavedView.objects.filter(pk=view.pk).exists())

    def test_own_unshared_views_stay_private_and_other_companies_see_nothing(self):
        self.login(self.lead)
        self.save(name="Lead only")
        self.save(name="Team", shared="on", query="status=new")
        private, shared = SavedView.objects.order_by("name")
        for user in (self.seller, self.sibling):
            viewer = Viewer.for_user(user, self.company)
            self.assertEqual(list(SavedView.objects.visible_to(viewer)), [shared])
        self.assertEqual(
            list(SavedView.objects.visible_to(Viewer.for_user(self.stranger, self.other_company))), []
        )
        self.login(self.seller)
        self.assertNotContains(self.client.get("/tasks/?all=1"), "Lead only")
        self.assertEqual(self.client.get(f"/views/{private.pk}/edit/").status_code, 404)
        self.assertEqual(self.client.post(f"/views/{private.pk}/default/").status_code, 404)
        self.login(self.stranger)
        self.assertNotContains(self.client.get("/tasks/?all=1"), "Team")
        self.assertEqual(self.client.post(f"/views/{shared.pk}/default/").status_code, 404)

    def test_a_view_of_another_company_is_never_opened_by_default(self):
        both = member(self.other_company, *ALL, user=self.seller)
        view = SavedView.objects.create(
            company=self.other_company, owner=both, list_name="tasks", name="Elsewhere", query="status=done"
        )
        entry = {"tasks": {"default_view": view.pk}}
        User.objects.filter(pk=self.seller.pk).update(list_preferences=entry)
        self.login(self.seller)  # active company: the first membership (self.company)
        self.assertEqual(self.client.get("/tasks/").status_code, 200)

    def test_rename_and_share_then_delete_with_confirmation(self):
        self.login(self.seller)
        self.save(make_default="on")
        view = SavedView.objects.get()
        response = self.client.get(f"/views/{view.pk}/edit/")
        self.assertContains(response, 'value="Overdue"')
        response = self.client.post(f"/views/{view.pk}/edit/", {"name": "", "shared": "on"})
        self.assertContains(response, "This field is required.")
        response = self.client.post(f"/views/{view.pk}/edit/", {"name": "Late ones", "shared": "on"})
        self.assertRedirects(response, "/tasks/?overdue=1&sort=deadline")
        view.refresh_from_db()
        self.assertEqual((view.name, view.shared), ("Late ones", True))
        response = self.client.get(f"/views/{view.pk}/delete/")
        self.assertContains(response, "Delete the view “Late ones”?")
        self.assertContains(response, "your colleagues will no longer see it")
        self.assertTrue(SavedView.objects.filter(pk=view.pk).exists())  # asking deletes nothing
        self.assertRedirects(self.client.post(f"/views/{view.pk}/delete/"), "/tasks/?all=1")
        self.assertFalse(SavedView.objects.exists())
        self.assertIsNone(default_view_id(User.objects.get(pk=self.seller.pk), "tasks"))
        self.assertEqual(self.client.get("/tasks/").status_code, 200)

    def test_the_menu_offers_rename_and_delete_only_for_ones_own_view(self):
        self.login(self.lead)
        self.save(name="Team", shared="on", query="status=new")
        view = SavedView.objects.get()
        response = self.client.get("/tasks/?status=new")
        self.assertContains(response, f'href="/views/{view.pk}/delete/"')
        self.login(self.seller)
        response = self.client.get("/tasks/?status=new")
        self.assertContains(response, f'action="/views/{view.pk}/default/"')
        self.assertNotContains(response, f'href="/views/{view.pk}/delete/"')

    def test_saved_views_work_on_every_list(self):
        self.login(self.seller)
        for list_name, url in (
            ("orders", "/orders/"),
            ("products", "/products/"),
            ("communications", "/communications/"),
            ("task_board", "/tasks/board/"),
        ):
            with self.subTest(list_name=list_name):
                response = self.save(
                    name=f"{list_name} view", list_name=list_name, query="q=zzz", make_default="on"
                )
                self.assertRedirects(response, f"{url}?q=zzz", fetch_redirect_response=False)
                self.assertRedirects(self.client.get(url), f"{url}?q=zzz", fetch_redirect_response=False)
                self.assertContains(self.client.get(f"{url}?q=zzz"), f"{list_name} view")

    def test_normalized_query(self):
        self.assertEqual(normalized_query("page=2&b=1&a=&all=1&a=2"), "a=2&b=1")
        self.assertEqual(TaskStatus.NEW, "new")
