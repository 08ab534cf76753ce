from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import RequestFactory, TestCase
from django.utils import translation

from companies.admin import CrmGroupForm
from companies.models import Membership
from companies.permissions import crm_functions, function_codes_for_membership, function_label, has_function
from tests.factories import CompanyFactory, group_with, member


class FunctionListTests(TestCase):
    def test_function_list_is_our_apps_permissions_including_custom_functions(self):
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()}
        self.assertIn("companies.manage_hierarchy", codes)
        self.assertIn("companies.view_all_company_data", codes)
        self.assertIn("partners.export_partners", codes)
        self.assertIn("partners.view_partner", codes)
        self.assertNotIn("sessions.view_session", codes)
        self.assertNotIn("django_celery_beat.add_periodictask", codes)

    def test_admin_group_form_offers_exactly_the_function_list(self):
        offered = set(CrmGroupForm().fields["permissions"].queryset.values_list("pk", flat=True))
        self.assertEqual(offered, set(crm_functions().values_list("pk", flat=True)))
        self.assertLess(len(offered), Permission.objects.count())


class FunctionLabelTests(TestCase):
    def label(self, code: str, language: str) -> str:
        app_label, codename = code.split(".")
        perm = crm_functions().get(content_type__app_label=app_label, codename=codename)
        with translation.override(language):
            return function_label(perm)

    def test_declared_functions_are_shown_in_the_active_language(self):
        self.assertEqual(self.label("receivables.run_dunning", "en"), "Preview and run dunning")
        self.assertEqual(
            self.label("receivables.run_dunning", "hu"), "Felszólítási futás előnézete és indítása"
        )
        self.assertEqual(self.label("imports.run_import", "bg"), "Импорт на партньори и контакти от таблици")

    def test_generated_functions_keep_their_english_name(self):
        self.assertEqual(self.label("partners.view_partner", "en"), "Can view partner")

    def test_the_admin_group_page_lists_the_functions_translated(self):
        with translation.override("hu"):
            labels = [label for _value, label in CrmGroupForm().fields["permissions"].choices]
        self.assertTrue(
            any(label.endswith("| Kintlévőségek és a behajtási pult megtekintése") for label in labels)
        )
        self.assertFalse(any("View receivables and the collection desk" in label for label in labels))


class GroupCombinationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.other_company = CompanyFactory()
        cls.viewers = group_with("partners.view_partner", name="Viewers")
        cls.exporters = group_with("partners.export_partners", name="Exporters")
        cls.user = member(cls.company, groups=[cls.viewers, cls.exporters])
        member(cls.other_company, "companies.manage_hierarchy", user=cls.user)

    def membership(self, company):
        return Membership.objects.select_related("user").get(user=self.user, company=company)

    def test_groups_combine_with_or(self):
        codes = function_codes_for_membership(self.membership(self.company))
        self.assertEqual(codes, {"partners.view_partner", "partners.export_partners"})

    def test_groups_of_another_company_do_not_apply(self):
        codes = function_codes_for_membership(self.membership(self.company))
        self.assertNotIn("companies.manage_hierarchy", codes)
        other = function_codes_for_membership(self.membership(self.other_company))
        self.assertEqual(other, {"companies.manage_hierarchy"})

    def test_has_function_uses_the_active_membership(self):
        request = RequestFactory().get("/")
        request.membership = self.membership(self.company)
        self.assertTrue(has_function(request, "partners.export_partners"))
        self.assertFalse(has_function(request, "companies.manage_hierarchy"))


class ForbiddenPageTests(TestCase):
    def test_missing_function_gives_403_with_a_clear_page(self):
        company = CompanyFactory()
        user = member(company)  # no groups
        self.client.force_login(user)
        response = self.client.get("/partners/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "You need the permission", status_code=403)
        self.assertContains(response, "Can view partner", status_code=403)

    def test_the_page_names_the_function_in_the_members_language_without_a_double_stop(self):
        company = CompanyFactory(name="Alfa Kereskedelmi Kft.", language="hu")
        self.client.force_login(member(company, "partners.view_partner"))  # no team function
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hu"
        response = self.client.get("/team/")
        self.assertContains(
            response,
            "A csapat oldalának megtekintése: a beosztottak tevékenységi számai",
            status_code=403,
        )
        self.assertContains(response, "Alfa Kereskedelmi Kft.", status_code=403)
        self.assertNotContains(response, "Kft..", status_code=403)
        self.assertNotContains(response, "See the team page", status_code=403)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get("/partners/")
        self.assertRedirects(response, "/accounts/login/?next=/partners/", fetch_redirect_response=False)

    def test_user_without_company_gets_403(self):
        from tests.factories import UserFactory

        self.client.force_login(UserFactory())
        response = self.client.get("/")
        self.assertContains(response, "not a member of any active company", status_code=403)
