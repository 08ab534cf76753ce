"""Isolation over every API route, in the spirit of tests/test_url_isolation.py (which leaves the
"api:" names to this walk): the URL resolver is walked and every API route must be covered here.

1. No token (and no session): 401 on every route, lists included.
2. Across companies: a token of company A holding every function gets 404 for company B's object
   (read and write methods); company B's owner gets it (positive control).
3. Between siblings: a sales colleague with no hierarchy relation gets 404 and does not find the
   record in the list; the owner, the team lead and the lead's supervisor open it. Personal records
   (notifications) open only for their owner.
"""

import itertools
from datetime import date

from django.test import TestCase
from django.urls import get_resolver, reverse

from companies.permissions import crm_functions
from tests.api.helpers import ApiClient, token_for
from tests.factories import CompanyFactory, PartnerAccountFactory, group_with, member, supervise
from tests.test_url_isolation import (
    _communication,
    _contact,
    _event,
    _notification,
    _order,
    _partner,
    _task,
    _thread,
    iter_patterns,
)

NUMBERS = itertools.count(1)


def _invoice(company, b_user):
    from receivables.models import Invoice

    partner = PartnerAccountFactory(company=company, owner=b_user).partner
    invoice = Invoice.objects.create(
        company=company, partner=partner, number=f"INV-{next(NUMBERS)}", issued_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31), amount=100, open_amount=100,
    )  # fmt: skip
    return {"pk": invoice.pk}


def _token(company, b_user):
    token, _raw = token_for(b_user, company)
    return {"pk": token.pk}


# url name -> (factory of company B's object owned by the user, methods to try, its list's url name)
API_OBJECT_URLS = {
    "api:partner-detail": (_partner, ("get", "patch"), "api:partner-list"),
    "api:contact-detail": (_contact, ("get", "patch"), "api:contact-list"),
    "api:thread-detail": (_thread, ("get", "patch"), "api:thread-list"),
    "api:communication-detail": (_communication, ("get", "patch"), "api:communication-list"),
    "api:task-detail": (_task, ("get", "patch"), "api:task-list"),
    "api:event-detail": (_event, ("get", "patch"), "api:event-list"),
    "api:event-close": (_event, ("post",), None),
    "api:notification-detail": (_notification, ("get",), "api:notification-list"),
    "api:notification-read": (_notification, ("post",), None),
    "api:order-detail": (_order, ("get",), "api:order-list"),
    "api:invoice-detail": (_invoice, ("get",), "api:invoice-list"),
    "api:token_revoke": (_token, ("get", "post"), None),  # the tokens page (session), not the REST API
}
PERSONAL = {
    "api:notification-detail": "a notification belongs to its recipient",
    "api:notification-read": "a notification belongs to its recipient",
}
# Not in the sibling walk, with the reason (the cross-company walk covers them).
NOT_SIBLING = {
    "api:token_revoke": "a token is its user's and the company's membership managers' (the sales group "
    "here holds companies.change_membership); tests/api/test_tokens.py checks a plain colleague gets 404",
}
PUBLIC = {
    "api:product-detail": "products are a catalogue shared by every company (as orders:product)",
}
PAGES = {"api:token_revoke", "api:tokens", "api:docs"}


def api_routes():
    for name, route, pattern in iter_patterns(get_resolver()):
        if name.startswith("api:"):
            yield name, route, pattern


def _send(client: ApiClient, method: str, url: str):
    if method == "get":
        return client.get(url)
    if method == "patch":
        return client.patch(url, {}, **{"If-Match": "*"})
    return client.post(url, {})


class Registry(TestCase):
    def test_every_api_route_with_an_id_is_walked(self):
        with_id = {
            name for name, route, pattern in api_routes() if pattern.pattern.converters or "(?P<" in route
        }
        self.assertFalse(
            with_id - set(API_OBJECT_URLS) - set(PUBLIC), "API routes with an id not walked here"
        )
        self.assertFalse(set(API_OBJECT_URLS) - with_id)


class NoTokenTests(TestCase):
    def test_every_api_route_answers_401_without_a_token(self):
        checked = 0
        for name, _route, pattern in api_routes():
            if name in PAGES:
                continue
            kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, 1)
            url = reverse(name, kwargs=kwargs or None)
            for method in ("get", "post", "patch"):
                response = _send(ApiClient(None), method, url)
                self.assertIn(response.status_code, (401, 405), f"{method} {url}")
                checked += response.status_code == 401
        self.assertGreater(checked, 20)

    def test_the_pages_send_anonymous_users_to_log_in(self):
        for name in ("api:tokens", "api:docs"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 302)


def _client_for(user, company, name):
    if name in PAGES:  # a page: the browser's session
        client = ApiClient(None)
        client.client.force_login(user)
        return client
    return ApiClient(token_for(user, company)[1])


class CrossCompanyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company_a, cls.company_b = CompanyFactory(), CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        cls.a_user = member(cls.company_a, groups=[everything])
        cls.b_user = member(cls.company_b, groups=[everything])

    def test_another_companys_objects_answer_404(self):
        for name, (make, methods, _list) in API_OBJECT_URLS.items():
            for method in methods:
                with self.subTest(url=name, method=method):
                    url = reverse(name, kwargs=make(self.company_b, self.b_user))
                    own = _send(_client_for(self.b_user, self.company_b, name), method, url)
                    self.assertNotEqual(own.status_code, 404, f"{name}: positive control failed")
                    self.assertLess(own.status_code, 500)
                    foreign_client = _client_for(self.a_user, self.company_a, name)
                    foreign = _send(foreign_client, method, url)
                    self.assertEqual(foreign.status_code, 404, f"{method} {name} leaked to another company")
                    list_name = API_OBJECT_URLS[name][2]
                    if list_name and method == "get":
                        pk = int(url.rstrip("/").rsplit("/", 1)[1])
                        rows = foreign_client.get(reverse(list_name), {"page_size": 100}).json()["results"]
                        self.assertNotIn(
                            pk, [row["id"] for row in rows], f"{list_name} lists another company's"
                        )

    def test_nonexistent_and_huge_ids_answer_404(self):
        client = ApiClient(token_for(self.a_user, self.company_a)[1])
        for name, (_make, methods, _list) in API_OBJECT_URLS.items():
            if name in PAGES:
                continue
            template = reverse(name, kwargs={"pk": 987654321})
            for pk in (0, 2**63 - 1, 2**70, 10**40):
                response = _send(client, methods[0], template.replace("987654321", str(pk)))
                self.assertEqual(response.status_code, 404, f"{name} {pk}")


class SiblingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        sales = group_with(
            *[
                f"{p.content_type.app_label}.{p.codename}"
                for p in crm_functions()
                if f"{p.content_type.app_label}.{p.codename}" != "companies.view_all_company_data"
            ]
        )
        cls.owner, cls.sibling, cls.lead, cls.director = (
            member(cls.company, groups=[sales]) for _ in range(4)
        )
        supervise(cls.company, cls.lead, cls.owner)
        supervise(cls.company, cls.lead, cls.sibling)
        supervise(cls.company, cls.director, cls.lead)

    def test_a_siblings_records_answer_404_and_stay_out_of_the_list(self):
        for name, (make, methods, list_name) in API_OBJECT_URLS.items():
            if name in NOT_SIBLING:
                continue
            for method in methods:
                with self.subTest(url=name, method=method):
                    kwargs = make(self.company, self.owner)
                    url = reverse(name, kwargs=kwargs)
                    sibling = _client_for(self.sibling, self.company, name)
                    self.assertEqual(_send(sibling, method, url).status_code, 404, f"{method} {name} leaked")
                    if list_name and method == "get":
                        ids = [
                            row["id"]
                            for row in sibling.get(reverse(list_name), {"page_size": 100}).json()["results"]
                        ]
                        self.assertNotIn(kwargs["pk"], ids, f"{list_name} lists a sibling's record")
                    readers = [self.owner] if name in PERSONAL else [self.owner, self.lead, self.director]
                    for reader in readers:
                        fresh = reverse(name, kwargs=make(self.company, self.owner))
                        response = _send(_client_for(reader, self.company, name), method, fresh)
                        self.assertNotEqual(
                            response.status_code, 404, f"{method} {name}: {reader} should open it"
                        )
                        self.assertLess(response.status_code, 500)
                    if name in PERSONAL:
                        fresh = reverse(name, kwargs=make(self.company, self.owner))
                        lead = _client_for(self.lead, self.company, name)
                        self.assertEqual(_send(lead, method, fresh).status_code, 404)
