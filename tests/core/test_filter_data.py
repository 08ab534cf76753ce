"""A list opened with only its page size, page, columns or "all" is not filtered (core.filters.filter_data):
no form is built for it, and it shows exactly what the bare list shows; any filter still filters."""

from django.http import QueryDict
from django.test import TestCase

from communications.filters import TaskFilter
from core.filters import filter_data
from partners.filters import PartnerAccountFilter
from tests.communications import factories
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member

VIEW = ("communications.view_task", "partners.view_partner")


class FilterDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(cls.company, *VIEW)
        for n in range(3):
            factories.task(cls.company, cls.seller, subject=f"Task {n}", status="new" if n else "done")
            PartnerAccountFactory(
                company=cls.company, owner=cls.seller, partner=PartnerFactory(name=f"Partner {n}")
            )

    def setUp(self):
        self.client.force_login(self.seller)

    def test_only_the_filters_own_names_make_data(self):
        self.assertIsNone(filter_data(QueryDict("per_page=100&page=2&cols=number&all=1"), TaskFilter))
        self.assertIsNone(filter_data(QueryDict(""), PartnerAccountFilter))
        query = QueryDict("per_page=100&status=new")
        self.assertIs(filter_data(query, TaskFilter), query)
        sort = QueryDict("sort=-name")
        self.assertIs(filter_data(sort, PartnerAccountFilter), sort)

    def test_the_page_size_alone_lists_what_the_bare_list_lists(self):
        for url, key in (("/tasks/", "subject"), ("/partners/", "partner__name")):
            with self.subTest(url=url):
                bare = self.client.get(url + "?all=1")
                sized = self.client.get(url + "?per_page=50&cols=number")
                self.assertFalse(sized.context["filter"].is_bound)
                rows = [getattr(row, key) for row in sized.context["page"].object_list]
                self.assertEqual(rows, [getattr(row, key) for row in bare.context["page"].object_list])
                self.assertEqual(len(rows), 3)

    def test_a_filter_still_filters_beside_the_page_size(self):
        response = self.client.get("/tasks/?per_page=50&status=done")
        self.assertTrue(response.context["filter"].is_bound)
        self.assertEqual([row.subject for row in response.context["page"].object_list], ["Task 0"])
        self.assertContains(response, 'class="chip"')
        response = self.client.get("/partners/?per_page=50&sort=-name")
        names = [row.partner__name for row in response.context["page"].object_list]
        self.assertEqual(names, ["Partner 2", "Partner 1", "Partner 0"])
