"""Personal API tokens: hashed, shown once, named, expiring, revocable, read-only or read-write, one company."""

from datetime import timedelta

import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, hash_token
from tests.api.helpers import ApiClient, token_for
from tests.factories import CompanyFactory, PartnerAccountFactory, member

PARTNERS = "/api/v1/partners/"


class TokenPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, "partners.view_partner")

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_token_is_shown_once_and_stored_only_as_its_hash(self):
        response = self.client.post(reverse("api:tokens"), {"name": "Web shop", "can_write": "on"})
        self.assertEqual(response.status_code, 201)
        raw = response.context["created"]["raw"]
        self.assertContains(response, raw, status_code=201)
        self.assertContains(response, "shown only once", status_code=201)
        token = ApiToken.objects.get()
        self.assertEqual(token.token_hash, hash_token(raw))
        self.assertNotIn(raw, [token.token_hash, token.prefix, token.name])
        self.assertTrue(raw.startswith(token.prefix))
        self.assertEqual((token.user, token.company, token.can_write), (self.user, self.company, True))
        # Listed afterwards by name and prefix, never with the secret.
        again = self.client.get(reverse("api:tokens"))
        self.assertContains(again, "Web shop")
        self.assertContains(again, token.prefix)
        self.assertNotContains(again, raw)
        self.assertEqual(again["Cache-Control"], "no-store")

    def test_a_missing_name_is_refused_next_to_the_field_and_nothing_is_created(self):
        response = self.client.post(reverse("api:tokens"), {"name": "", "expires_on": "2020-01-01"})
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], "name", "This field is required.")
        self.assertFormError(response.context["form"], "expires_on", "Choose today or a later day.")
        self.assertFalse(ApiToken.objects.exists())

    def test_revoking_asks_first_then_the_token_stops_working(self):
        token, raw = token_for(self.user, self.company)
        PartnerAccountFactory(company=self.company, owner=self.user)
        self.assertEqual(ApiClient(raw).get(PARTNERS).status_code, 200)
        url = reverse("api:token_revoke", args=[token.pk])
        confirm = self.client.get(url)
        self.assertContains(confirm, "will stop working")
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.client.post(url)
        token.refresh_from_db()
        self.assertEqual(token.revoked_by, self.user)
        response = ApiClient(raw).get(PARTNERS)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"], "authentication_failed")

    def test_a_colleague_cannot_revoke_my_token_but_the_membership_manager_can(self):
        token, _raw = token_for(self.user, self.company)
        colleague = member(self.company, "partners.view_partner")
        self.client.force_login(colleague)
        self.assertEqual(self.client.post(reverse("api:token_revoke", args=[token.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("api:tokens")), token.prefix)
        admin = member(self.company, "companies.change_membership")
        self.client.force_login(admin)
        page = self.client.get(reverse("api:tokens"))
        self.assertContains(page, token.prefix)  # every token of the company
        self.client.post(reverse("api:token_revoke", args=[token.pk]))
        token.refresh_from_db()
        self.assertEqual(token.revoked_by, admin)
        # In the audit trail with the admin as actor, in the company; the hash is never logged.
        from auditlog.models import LogEntry

        entries = LogEntry.objects.get_for_object(token)
        revoked = entries.filter(changes_text__contains="revoked_at").first() or entries.first()
        self.assertEqual(revoked.actor, admin)
        self.assertEqual(revoked.additional_data["company_id"], self.company.pk)
        self.assertFalse(any(token.token_hash in str(entry.changes) for entry in entries))
        self.assertEqual(entries.count(), 2)  # created, revoked

    def test_another_companys_admin_cannot_revoke(self):
        token, _raw = token_for(self.user, self.company)
        other_admin = member(CompanyFactory(), "companies.change_membership")
        self.client.force_login(other_admin)
        self.assertEqual(self.client.post(reverse("api:token_revoke", args=[token.pk])).status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)


class TokenAuthenticationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(
            cls.company, "partners.view_partner", "partners.add_partner", "partners.change_partner"
        )
        cls.account = PartnerAccountFactory(company=cls.company, owner=cls.user)

    def test_no_token_no_session_is_401(self):
        response = ApiClient(None).get(PARTNERS)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(set(response.json()), {"error", "detail"})
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_a_wrong_token_is_401(self):
        self.assertEqual(ApiClient("crm_nonsense").get(PARTNERS).status_code, 401)
        self.assertEqual(
            ApiClient("a b").client.get(PARTNERS, headers={"Authorization": "Bearer a b"}).status_code, 401
        )

    def test_an_expired_token_is_refused_from_its_expiry_on(self):
        now = timezone.now()
        _token, raw = token_for(self.user, self.company, expires_at=now + timedelta(days=1))
        with time_machine.travel(now + timedelta(hours=23)):
            self.assertEqual(ApiClient(raw).get(PARTNERS).status_code, 200)
        with time_machine.travel(now + timedelta(days=1, seconds=1)):
            response = ApiClient(raw).get(PARTNERS)
            self.assertEqual(response.status_code, 401)
            self.assertIn("expired", response.json()["detail"])

    def test_a_read_only_token_reads_but_never_writes(self):
        _token, raw = token_for(self.user, self.company, can_write=False)
        client = ApiClient(raw)
        self.assertEqual(client.get(PARTNERS).status_code, 200)
        response = client.post(PARTNERS, {"name": "Új Partner Kft."})
        self.assertEqual(response.status_code, 403)
        self.assertIn("read-only", response.json()["detail"])
        self.assertFalse(ApiToken.objects.none().exists())
        from partners.models import Partner

        self.assertFalse(Partner.objects.filter(name="Új Partner Kft.").exists())

    def test_the_token_is_bound_to_its_company(self):
        """The user is a member of two companies; the token sees only the one it was made for."""
        other = CompanyFactory()
        member(other, "partners.view_partner", user=self.user)
        other_account = PartnerAccountFactory(company=other, owner=self.user)
        _token, raw = token_for(self.user, self.company)
        client = ApiClient(raw)
        ids = [row["id"] for row in client.get(PARTNERS).json()["results"]]
        self.assertEqual(ids, [self.account.partner_id])
        self.assertEqual(client.get(f"{PARTNERS}{other_account.partner_id}/").status_code, 404)

    def test_a_token_stops_when_its_user_leaves_the_company(self):
        _token, raw = token_for(self.user, self.company)
        self.user.memberships.update(is_active=False)
        from companies.access import invalidate

        invalidate()
        self.assertEqual(ApiClient(raw).get(PARTNERS).status_code, 401)

    def test_last_used_is_recorded(self):
        token, raw = token_for(self.user, self.company)
        self.assertIsNone(token.last_used_at)
        ApiClient(raw).get(PARTNERS)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_session_writes_need_the_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.user)
        self.assertEqual(client.get(PARTNERS).status_code, 200)
        response = client.post(PARTNERS, "{}", content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertIn("CSRF", response.json()["detail"])


class ReadOnlyEverywhereTests(TestCase):
    def test_a_read_only_token_is_refused_on_every_write_route(self):
        from django.urls import reverse

        from companies.permissions import crm_functions
        from tests.factories import group_with

        company = CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        user = member(company, groups=[everything])
        client = ApiClient(token_for(user, company, can_write=False)[1])
        writes = (
            [
                ("post", reverse(f"api:{name}-list"))
                for name in ("partner", "contact", "thread", "communication", "task", "event")
            ]
            + [
                ("patch", reverse(f"api:{name}-detail", kwargs={"pk": 1}))
                for name in ("partner", "contact", "thread", "communication", "task", "event")
            ]
            + [
                ("post", reverse("api:event-close", kwargs={"pk": 1})),
                ("post", reverse("api:notification-read-all")),
            ]
        )
        for method, url in writes:
            response = client.post(url, {}) if method == "post" else client.patch(url, {})
            self.assertEqual(response.status_code, 403, f"{method} {url}")
            self.assertIn("read-only", response.json()["detail"])
