"""Every "Add" page of the Django admin: it opens, and saving it empty gives form errors, never a 500.

Records that only the system writes (notices, letters, pushes, connections) offer no "Add" at all.
"""

from django.contrib import admin
from django.test import TestCase

from tests.factories import CompanyFactory, member

SYSTEM_WRITTEN = {
    "contacts.gdprnotice",
    "erp_sync.partnerpush",
    "receivables.dunningletter",
    "events.googlecalendarconnection",
}


class AdminAddPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin_user = member(CompanyFactory(), is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.admin_user)
        self.client.raise_request_exception = False

    def test_system_written_records_have_no_add_page(self):
        for model in admin.site._registry:
            label = model._meta.label_lower
            if label not in SYSTEM_WRITTEN:
                continue
            with self.subTest(label):
                url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
                self.assertEqual(self.client.get(url + "add/").status_code, 403)
                self.assertEqual(self.client.post(url + "add/", {}).status_code, 403)
                self.assertEqual(self.client.get(url).status_code, 200, "the list still opens")
        self.assertEqual(
            SYSTEM_WRITTEN,
            {m._meta.label_lower for m in admin.site._registry} & SYSTEM_WRITTEN,
            "every system-written model is registered",
        )

    def test_saving_an_empty_add_form_gives_errors_not_a_500(self):
        for model in admin.site._registry:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
            with self.subTest(model._meta.label_lower):
                page = self.client.get(url)
                self.assertIn(page.status_code, (200, 403), url)
                if page.status_code == 403:
                    continue
                response = self.client.post(url, {})
                self.assertIn(response.status_code, (200, 302), url)


class FaviconTests(TestCase):
    def test_favicon_ico_leads_to_the_app_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].endswith("crm/favicon.svg"))
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
