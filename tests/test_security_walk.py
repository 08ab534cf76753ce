"""Walks every URL: CSRF on every state-changing request, no 500 on hostile query strings."""

import re

from django.test import Client, TestCase
from django.urls import reverse

from companies.permissions import crm_functions
from tests.factories import CompanyFactory, group_with, member
from tests.test_url_isolation import iter_patterns

# Views that must accept POSTs without a CSRF token, with the reason (ESP webhooks authenticate otherwise).
CSRF_EXEMPT: dict[str, str] = {}
HOSTILE = [
    "\x00",
    "'",
    '"><script>alert(1)</script>',
    "%00",
    "-1",
    "9" * 40,
    "1e309",
    "2026-02-31",
    "[]",
    "{}",
    "\u202e",
]
SKIP_PREFIXES = ("admin:",)


def _kwargs(route: str) -> dict:
    values = {"int": 1, "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}
    found = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    return {name: values.get(converter or "str", "x") for converter, name in found}


def all_routes():
    for name, route, _pattern in iter_patterns(__import__("django.urls").urls.get_resolver()):
        if not name or name.startswith(SKIP_PREFIXES) or name.endswith(":"):
            continue
        try:
            url = reverse(name, kwargs=_kwargs(route) or None)
        except Exception:  # noqa: S112 (patterns with regex groups we cannot fill)
            continue
        yield name, url


class CsrfWalkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        company = CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        cls.user = member(company, groups=[everything])

    def test_every_post_without_a_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        checked = 0
        for name, url in all_routes():
            if name in CSRF_EXEMPT or name.startswith("anymail:"):
                continue  # ESP webhooks: csrf-exempt by design, authenticated by ANYMAIL WEBHOOK_SECRET
            with self.subTest(url=name):
                response = client.post(url, {"anything": "1"})
                self.assertEqual(response.status_code, 403, f"{name} accepted a POST without a CSRF token")
                checked += 1
        self.assertGreater(checked, 40)

    def test_anonymous_post_without_token_is_refused_too(self):
        client = Client(enforce_csrf_checks=True)
        for url in ("/accounts/login/", "/i18n/setlang/", "/company/switch/"):
            self.assertEqual(client.post(url, {"username": "x", "password": "y"}).status_code, 403)


class HostileQueryStringTests(TestCase):
    """No page answers 500 to a malformed query string, whatever the parameter."""

    @classmethod
    def setUpTestData(cls):
        company = CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        cls.user = member(company, groups=[everything])

    def test_list_pages_survive_hostile_parameters(self):
        self.client.force_login(self.user)
        params = [
            "q",
            "page",
            "sort",
            "status",
            "owner",
            "type",
            "date",
            "view",
            "scope",
            "direction",
            "lookup",
            "per_page",
            "partner",
            "gdpr",
            "has_email",
        ]
        for name, url in all_routes():
            if name == "logout":
                continue
            for value in HOSTILE:
                with self.subTest(url=name, value=value):
                    response = self.client.get(url, dict.fromkeys(params, value))
                    self.assertLess(response.status_code, 500, f"{name} with {value!r}")
