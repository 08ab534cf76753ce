"""The ERP simulator's approval controls, over real HTTP: a partner pushed by the CRM is approved or
rejected the way a person in the ERP would, and the CRM's approval check then hands it over."""

import requests
from django.test import TestCase, override_settings

from devtools.simulators.erp import start_simulator
from erp_sync.models import PushStatus
from erp_sync.tasks import check_partner_approvals
from partners.models import Partner, PartnerAccount
from tests.factories import CompanyFactory, UserFactory, member


class ControlTests(TestCase):
    def setUp(self):
        self.server = start_simulator(api_key="k")
        self.addCleanup(self.server.stop)
        self.erp = override_settings(ERP_CONNECTOR="http", ERP_API_URL=self.server.url, ERP_API_KEY="k")
        self.erp.enable()
        self.addCleanup(self.erp.disable)
        self.company = CompanyFactory(code="alfa")
        self.owner = member(self.company, "events.view_event", "partners.view_partner")
        self.partner = Partner.objects.create(name="Handover Kft.")
        PartnerAccount.objects.create(company=self.company, partner=self.partner, owner=self.owner)
        self.close_successfully()
        self.key = str(self.partner.erp_push.idempotency_key)

    def close_successfully(self):
        from events.services import event_close
        from tests.events.factories import EventFactory

        event = EventFactory(company=self.company, owner=self.owner, partner=self.partner)
        with self.captureOnCommitCallbacks(execute=True):
            event_close(event=event, outcome="successful", note="Signed", by=self.owner)

    def url(self, path):
        return self.server.url + path

    def test_a_pending_request_is_listed_approved_over_http_and_the_check_makes_the_partner_erp_managed(self):
        pending = requests.get(self.url("/control/requests?status=pending"), timeout=10).json()["items"]
        self.assertEqual([(r["key"], r["partner"]["name"]) for r in pending], [(self.key, "Handover Kft.")])

        answer = requests.post(self.url(f"/control/requests/{self.key}/approve"), json={}, timeout=10)
        self.assertEqual(answer.status_code, 200)
        erp_id = answer.json()["erp_id"]
        self.assertRegex(erp_id, r"^P9\d{5}$")
        self.assertEqual(
            requests.get(self.url("/control/requests?status=pending"), timeout=10).json()["items"], []
        )

        self.assertEqual(check_partner_approvals(), {"approved": 1, "rejected": 0})
        self.partner.refresh_from_db()
        self.assertEqual((self.partner.source, self.partner.erp_id), ("erp", erp_id))
        self.assertEqual(self.partner.erp_push.status, PushStatus.APPROVED)
        # The approved partner is in the ERP's partner feed, so the next import keeps it up to date.
        feed = requests.get(self.url("/api/v1/partners"), headers={"X-API-Key": "k"}, timeout=10).json()
        self.assertIn(erp_id, [item["id"] for item in feed["items"]])

        again = requests.post(self.url(f"/control/requests/{self.key}/approve"), json={}, timeout=10)
        self.assertEqual((again.status_code, again.json()["error"]), (409, "the request is already approved"))

    def test_a_rejection_needs_a_reason_and_tells_the_owner(self):
        no_reason = requests.post(self.url(f"/control/requests/{self.key}/reject"), json={}, timeout=10)
        self.assertEqual(no_reason.status_code, 400)
        self.assertIn("reason is required", no_reason.json()["error"])
        answer = requests.post(
            self.url(f"/control/requests/{self.key}/reject"),
            json={"reason": "Duplicate of P000042"},
            timeout=10,
        )
        self.assertEqual(answer.json()["status"], "rejected")
        self.assertEqual(check_partner_approvals(), {"approved": 0, "rejected": 1})
        self.partner.refresh_from_db()
        self.assertEqual(self.partner.source, "crm")
        self.assertTrue(self.owner.notifications.filter(text__contains="Duplicate of P000042").exists())

    def test_unknown_requests_are_404(self):
        answer = requests.post(self.url("/control/requests/nope/approve"), json={}, timeout=10)
        self.assertEqual((answer.status_code, answer.json()["error"]), (404, "no such request"))

    def test_the_html_page_approves_with_a_button_and_comes_back_with_the_result(self):
        page = requests.get(self.url("/control/"), timeout=10)
        self.assertEqual(page.headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn("Handover Kft.", page.text)
        self.assertIn(f'action="/control/requests/{self.key}/approve"', page.text)
        self.assertIn(f'action="/control/requests/{self.key}/reject"', page.text)

        # What the browser sends when the button is pressed: a form post, answered with a redirect.
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        after = requests.post(self.url(f"/control/requests/{self.key}/approve"), headers=form, timeout=10)
        self.assertEqual(after.history[0].status_code, 303)
        self.assertIn("Approved: Handover Kft. is P900001 in the ERP.", after.text)
        self.assertNotIn(f'action="/control/requests/{self.key}/approve"', after.text)

        empty_reason = requests.post(
            self.url(f"/control/requests/{self.key}/reject"), data={"reason": ""}, timeout=10
        )
        self.assertEqual(empty_reason.status_code, 409)  # already approved
        self.assertIn("already approved", empty_reason.text)


class AdminCheckTests(TestCase):
    def test_the_admin_asks_the_erp_now(self):
        server = start_simulator(api_key="k")
        self.addCleanup(server.stop)
        admin = UserFactory(is_staff=True, is_superuser=True)
        self.client.force_login(admin)
        listing = self.client.get("/admin/erp_sync/partnerpush/")
        self.assertContains(listing, "Ask the ERP about approvals now")
        with override_settings(ERP_CONNECTOR="http", ERP_API_URL=server.url, ERP_API_KEY="k"):
            done = self.client.post("/admin/erp_sync/partnerpush/check-approvals/", follow=True)
        self.assertContains(done, "Asked the ERP: 0 approved, 0 rejected.")
        self.assertEqual(self.client.get("/admin/erp_sync/partnerpush/check-approvals/").status_code, 403)
