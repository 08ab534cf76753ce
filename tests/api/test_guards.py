"""What the API refuses, and how: functions (403), the meeting block (423), hostile query strings (400),
big bodies (413), the rate limit (429 + Retry-After); and constant queries for 10 and 100 rows."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from api.throttling import TokenRateThrottle
from partners.models import Tag
from tests.api.helpers import ApiClient, token_for
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")
LISTS = [
    "/api/v1/partners/", "/api/v1/contacts/", "/api/v1/threads/", "/api/v1/communications/",
    "/api/v1/tasks/", "/api/v1/events/", "/api/v1/notifications/", "/api/v1/orders/",
    "/api/v1/products/", "/api/v1/invoices/",
]  # fmt: skip
HOSTILE = [
    "\x00",
    "'",
    '"><script>',
    "%00",
    "-1",
    "9" * 40,
    "1e309",
    "2026-02-31",
    "[]",
    "{}",
    "\u202e",
    "é" * 300,
]
GENERIC = ["ordering", "cursor", "page_size", "fields", "unread"]
NASTIEST = ["\x00", "9" * 40, "[]", "2026-02-31"]
PARAMS = [
    "q", "status", "owner", "type", "city", "source", "direction", "channel", "assignee", "author", "thread",
    "created_from", "created_to", "number", "partner", "gdpr", "has_email", "scope", "outcome", "start_from",
    "ordering", "cursor", "page_size", "fields", "unread", "sort", "deadline_from",
]  # fmt: skip


class FunctionTests(TestCase):
    def test_a_missing_function_is_403_naming_it(self):
        company = CompanyFactory()
        user = member(company, "partners.view_partner")
        account = PartnerAccountFactory(company=company, owner=user)
        client = ApiClient(token_for(user, company)[1])
        self.assertEqual(client.get(f"/api/v1/partners/{account.partner_id}/").status_code, 200)
        for url in ("/api/v1/tasks/", "/api/v1/contacts/", "/api/v1/invoices/"):
            response = client.get(url)
            self.assertEqual(response.status_code, 403, url)
            self.assertEqual(response.json()["error"], "permission_denied")
        refused = client.post("/api/v1/partners/", {"name": "New Kft."})
        self.assertEqual(refused.status_code, 403)
        self.assertIn("partners.add_partner", refused.json()["detail"])


class MeetingBlockTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(country="HU")
        cls.seller = member(
            cls.company,
            "events.view_event",
            "partners.view_partner",
            groups=[Group.objects.create(name="Sales")],
        )
        meeting = EventTypeFactory(code="meeting", kind="meeting")
        cls.meeting = EventFactory(
            company=cls.company, type=meeting, owner=cls.seller,
            starts_at=datetime(2026, 11, 19, 10, tzinfo=BUDAPEST), ends_at=datetime(2026, 11, 19, 11, tzinfo=BUDAPEST),
        )  # fmt: skip

    def test_an_overdue_meeting_blocks_the_api_with_423_json_for_a_token_and_a_session(self):
        _token, raw = token_for(self.seller, self.company)
        with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=BUDAPEST), tick=False):
            self.assertEqual(ApiClient(raw).get("/api/v1/partners/").status_code, 200)
        with time_machine.travel(datetime(2026, 11, 24, 0, 0, tzinfo=BUDAPEST), tick=False):
            response = ApiClient(raw).get("/api/v1/partners/")
            self.assertEqual(response.status_code, 423)
            self.assertEqual(response.json()["error"], "meetings_overdue")
            self.assertIn("1 still open", response.json()["detail"])
            self.client.force_login(self.seller)
            session = self.client.get("/api/v1/partners/")
            self.assertEqual(session.status_code, 423)
            self.assertEqual(session.json()["error"], "meetings_overdue")


class HostileInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from companies.permissions import crm_functions
        from tests.factories import group_with

        cls.company = CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        cls.user = member(cls.company, groups=[everything])
        PartnerAccountFactory(company=cls.company, owner=cls.user)
        cls.raw = token_for(cls.user, cls.company)[1]

    @mock.patch.object(TokenRateThrottle, "rate", "100000/minute", create=True)
    def test_hostile_query_strings_answer_400_or_an_ordinary_list_never_500(self):
        """Every list with all parameters at once, then each of its own filters and the paging ones alone."""
        from django.urls import resolve

        client = ApiClient(self.raw)
        refused = 0
        for url in LISTS:
            view = resolve(url).func.cls
            own = [*(view.filterset_class.base_filters if view.filterset_class else ()), *GENERIC]
            requests = [dict.fromkeys(PARAMS, value) for value in HOSTILE]
            requests += [{name: value} for name in own for value in NASTIEST]
            for params in requests:
                response = client.get(url, params)
                self.assertIn(response.status_code, (200, 400), f"{url}?{params}")
                if response.status_code == 400:
                    refused += 1
                    self.assertEqual(response.json()["error"], "invalid")
                    self.assertTrue(response.json()["fields"])
        self.assertGreater(refused, 100)

    def test_known_bad_values_are_400_with_the_field_named(self):
        client = ApiClient(self.raw)
        for params, field in [
            ({"ordering": "password"}, "ordering"),
            ({"page_size": "101"}, "page_size"),
            ({"page_size": "0"}, "page_size"),
            ({"cursor": "%%%not base64"}, "cursor"),
            ({"cursor": "cD0xZTMwOQ=="}, "cursor"),  # p=1e309 for a name ordering is a name: fine below
            ({"status": "nonsense"}, "status"),
            ({"owner": "99999999999999999999"}, "owner"),
        ]:
            response = client.get("/api/v1/partners/", params)
            if params.get("cursor") == "cD0xZTMwOQ==":
                self.assertEqual(response.status_code, 200)
                continue
            self.assertEqual(response.status_code, 400, params)
            self.assertIn(field, response.json()["fields"], params)
        forged = client.get("/api/v1/tasks/", {"cursor": "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"})
        self.assertEqual(forged.status_code, 400)  # p=999...: not a date-time

    def test_hostile_bodies_are_400_not_500(self):
        client = ApiClient(self.raw)
        for body in (
            {"name": "\x00"},
            {"name": ["a"]},
            {"name": {"a": 1}},
            {"name": 1e308},
            {"is_customer": "x"},
        ):
            response = client.post("/api/v1/partners/", body)
            self.assertEqual(response.status_code, 400, body)
        for body in (
            {"deadline": "2026-02-31"},
            {"assignee": "9" * 40},
            {"thread": -1},
            {"subject": "a" * 10_000},
        ):
            response = client.post("/api/v1/tasks/", {"subject": "x", **body})
            self.assertEqual(response.status_code, 400, body)

    @override_settings(API_MAX_BODY_BYTES=1000)
    def test_a_body_over_the_limit_is_413(self):
        response = ApiClient(self.raw).post("/api/v1/partners/", {"name": "x" * 2000})
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "payload_too_large")

    def test_the_rate_limit_answers_429_with_retry_after_per_token(self):
        other = ApiClient(token_for(self.user, self.company, name="second")[1])
        client = ApiClient(self.raw)
        with mock.patch.object(TokenRateThrottle, "rate", "3/minute", create=True):
            codes = [client.get("/api/v1/products/").status_code for _ in range(4)]
            self.assertEqual(codes, [200, 200, 200, 429])
            response = client.get("/api/v1/products/")
            self.assertEqual(response.json()["error"], "throttled")
            self.assertGreater(int(response["Retry-After"]), 0)
            self.assertEqual(other.get("/api/v1/products/").status_code, 200)  # another token has its own


class QueryCountTests(TestCase):
    """The partner list takes the same queries for 10 and 100 rows (a manager of a team and a sales user)."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.manager = member(cls.company, "partners.view_partner")
        cls.seller = member(cls.company, "partners.view_partner")
        supervise(cls.company, cls.manager, cls.seller)
        cls.tag = Tag.objects.create(company=cls.company, name="VIP")

    def add(self, count):
        for _ in range(count):
            account = PartnerAccountFactory(company=self.company, owner=self.seller)
            account.tags.add(self.tag)

    def queries(self, user):
        client = ApiClient(token_for(user, self.company)[1])
        client.get("/api/v1/partners/")  # warm: the access cache and the token's last use
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/partners/", {"page_size": 100})
        return len(response.json()["results"]), len(captured), [q["sql"] for q in captured]

    def test_same_queries_for_10_and_100_rows(self):
        self.add(10)
        ten = {user.pk: self.queries(user) for user in (self.manager, self.seller)}
        self.add(90)
        hundred = {user.pk: self.queries(user) for user in (self.manager, self.seller)}
        for user in (self.manager, self.seller):
            (rows_10, count_10, _sql), (rows_100, count_100, sql) = ten[user.pk], hundred[user.pk]
            self.assertEqual((rows_10, rows_100), (10, 100))
            # 1 the token with its user and company, 2 the company's supervisor edges (whom the viewer
            # sees), 3 the page of accounts with their partners, 4 the page's tags
            self.assertEqual(count_100, 4, "\n".join(sql))
            self.assertEqual(count_10, count_100)
