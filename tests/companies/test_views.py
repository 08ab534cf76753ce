from django.test import TestCase

from companies.middleware import SESSION_KEY
from companies.models import SupervisorEdge
from tests.factories import CompanyFactory, DepartmentFactory, member, supervise


class CompanySwitchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alfa = CompanyFactory(name="Alfa")
        cls.beta = CompanyFactory(name="Beta")
        cls.gamma = CompanyFactory(name="Gamma")
        cls.user = member(cls.alfa)
        member(cls.beta, user=cls.user)

    def setUp(self):
        self.client.force_login(self.user)

    def test_first_company_by_name_is_active_by_default(self):
        response = self.client.get("/")
        self.assertEqual(response.context["active_company"], self.alfa)

    def test_switch_is_remembered_in_the_session(self):
        response = self.client.post("/company/switch/", {"company": self.beta.pk})
        self.assertRedirects(response, "/")
        self.assertEqual(self.client.session[SESSION_KEY], self.beta.pk)
        self.assertEqual(self.client.get("/").context["active_company"], self.beta)

    def test_switching_to_a_company_you_do_not_belong_to_is_404(self):
        response = self.client.post("/company/switch/", {"company": self.gamma.pk})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/").context["active_company"], self.alfa)

    def test_bad_input_is_404_not_500(self):
        for value in ("", "abc", "99999999999999999999999", "1 OR 1=1"):
            with self.subTest(value=value):
                self.assertEqual(self.client.post("/company/switch/", {"company": value}).status_code, 404)

    def test_switch_needs_post(self):
        self.assertEqual(self.client.get("/company/switch/").status_code, 405)

    def test_deactivated_membership_falls_back(self):
        self.client.post("/company/switch/", {"company": self.beta.pk})
        membership = self.user.memberships.get(company=self.beta)
        membership.is_active = False
        membership.save()  # as the admin does; a bulk update would call companies.access.invalidate()
        self.assertEqual(self.client.get("/").context["active_company"], self.alfa)


class OrganisationPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.admin = member(cls.company, "companies.manage_hierarchy", first_name="Ada", last_name="Admin")
        cls.boss = member(cls.company, first_name="Bea", last_name="Boss")
        cls.worker = member(cls.company, first_name="Will", last_name="Worker")
        cls.edge = supervise(cls.company, cls.boss, cls.worker)
        cls.department = DepartmentFactory(company=cls.company, name="Sales")
        cls.child = DepartmentFactory(company=cls.company, name="Field sales", parent=cls.department)
        cls.worker.memberships.update(department=cls.child)

    def test_people_list_with_search_and_sort(self):
        self.client.force_login(self.worker)
        response = self.client.get("/org/", {"q": "Boss"})
        self.assertEqual([m.user for m in response.context["page"].object_list], [self.boss])
        self.assertContains(response, "Bea Boss")
        response = self.client.get("/org/", {"sort": "-name"})
        names = [m.user.last_name for m in response.context["page"].object_list]
        self.assertEqual(names, sorted(names, reverse=True))
        self.assertEqual(self.client.get("/org/", {"sort": "evil;drop", "page": "x"}).status_code, 200)

    def test_department_page_lists_members_of_sub_departments(self):
        self.client.force_login(self.worker)
        response = self.client.get(f"/org/departments/{self.department.pk}/")
        self.assertContains(response, "Will Worker")
        self.assertContains(response, "Field sales")

    def test_a_current_supervisor_is_not_offered_again_nor_reported_as_added(self):
        self.client.force_login(self.admin)
        page = self.client.get(f"/org/people/{self.worker.pk}/")
        offered = [user.pk for user in page.context["form"].fields["supervisor"].queryset]
        self.assertNotIn(self.boss.pk, offered)
        self.assertIn(self.admin.pk, offered)
        response = self.client.post(
            f"/org/people/{self.worker.pk}/supervisors/add/", {"supervisor": self.boss.pk}, follow=True
        )
        self.assertNotContains(response, "Supervisor added.")
        self.assertEqual(SupervisorEdge.objects.filter(subordinate=self.worker).count(), 1)

    def test_person_page_shows_supervisors_and_everyone_below(self):
        self.client.force_login(self.worker)
        response = self.client.get(f"/org/people/{self.boss.pk}/")
        self.assertContains(response, "Will Worker")
        self.assertNotContains(response, "Add supervisor")

    def test_adding_a_supervisor_needs_the_function(self):
        self.client.force_login(self.worker)
        response = self.client.post(
            f"/org/people/{self.boss.pk}/supervisors/add/", {"supervisor": self.admin.pk}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(SupervisorEdge.objects.count(), 1)

    def test_admin_adds_a_supervisor_and_a_cycle_is_refused_with_a_message(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            f"/org/people/{self.boss.pk}/supervisors/add/", {"supervisor": self.admin.pk}, follow=True
        )
        self.assertContains(response, "Supervisor added.")
        response = self.client.post(
            f"/org/people/{self.admin.pk}/supervisors/add/", {"supervisor": self.worker.pk}, follow=True
        )
        self.assertContains(response, "must not go round in a circle")
        self.assertFalse(SupervisorEdge.objects.filter(supervisor=self.worker).exists())

    def test_removing_a_supervisor_asks_first(self):
        self.client.force_login(self.admin)
        response = self.client.get(f"/org/supervisors/{self.edge.pk}/delete/")
        self.assertContains(response, "Yes, remove")
        self.assertTrue(SupervisorEdge.objects.filter(pk=self.edge.pk).exists())
        self.client.post(f"/org/supervisors/{self.edge.pk}/delete/")
        self.assertFalse(SupervisorEdge.objects.filter(pk=self.edge.pk).exists())


class ProfilePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, first_name="Mária", last_name="Kovács", email="maria@example.com")
        cls.other = member(cls.company, email="peter.nagy@example.com")

    def setUp(self):
        self.client.force_login(self.user)

    def post(self, **changes):
        data = {"first_name": "Mária", "last_name": "Kovács", "email": "maria@example.com", **changes}
        return self.client.post("/me/", data)

    def test_another_user_s_address_is_refused_whatever_its_case(self):
        response = self.post(email="PETER.NAGY@example.com")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Another user already has this e-mail address.")
        self.assertContains(response, 'value="PETER.NAGY@example.com"')
        self.user.refresh_from_db()
        self.assertEqual(self.user.email, "maria@example.com")

    def test_names_are_required_and_an_own_address_is_kept(self):
        self.assertEqual(self.post(first_name="  ").status_code, 200)
        self.assertRedirects(
            self.post(email="Maria@Example.com", first_name="Mari"), "/me/", fetch_redirect_response=False
        )
        self.user.refresh_from_db()
        self.assertEqual(
            (self.user.first_name, self.user.email), ("Mari", "Maria@example.com")
        )  # the domain lower-cased by Django
