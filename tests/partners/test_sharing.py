"""Issue 15: 'Share with a colleague' on a partner and a thread, optionally until a day, with revoke."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase

from companies.models import Share
from tests.communications import factories
from tests.communications.test_items import ALL
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, member, supervise

BUDAPEST = ZoneInfo("Europe/Budapest")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BUDAPEST)


class ShareWithAColleagueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.director = member(cls.company, *ALL, first_name="Dora", last_name="Director")
        cls.boss = member(cls.company, *ALL, first_name="Bea", last_name="Boss")
        cls.owner = member(cls.company, *ALL, first_name="Olga", last_name="Owner")
        cls.sibling = member(cls.company, *ALL, first_name="Sam", last_name="Sibling")
        cls.admin = member(
            cls.company, *ALL, "companies.view_all_company_data", first_name="Adam", last_name="Admin"
        )
        supervise(cls.company, cls.director, cls.boss)
        supervise(cls.company, cls.boss, cls.owner)
        supervise(cls.company, cls.boss, cls.sibling)
        cls.account = PartnerAccountFactory(
            company=cls.company, owner=cls.owner, partner=PartnerFactory(name="Duna Zrt.")
        )
        cls.partner_url = f"/partners/{cls.account.partner_id}/"
        cls.share_url = f"/shares/partner/{cls.account.pk}/"

    def status(self, user, url) -> int:
        self.client.force_login(user)
        return self.client.get(url).status_code

    def share(self, by, follow=False, **data):
        self.client.force_login(by)
        return self.client.post(self.share_url, {"user": self.sibling.pk, **data}, follow=follow)

    @time_machine.travel(at(2026, 7, 1, 9, 0), tick=False)
    def test_the_owner_shares_and_the_colleague_opens_the_partner(self):
        self.assertEqual(self.status(self.sibling, self.partner_url), 404)
        self.client.force_login(self.owner)
        page = self.client.get(self.partner_url)
        self.assertContains(page, "Share with a colleague")
        self.assertContains(page, "Not shared with anyone.")
        response = self.share(self.owner, follow=True)
        self.assertRedirects(response, self.partner_url)
        self.assertContains(response, "Shared with Sam Sibling until revoked.")
        self.assertContains(response, "Shared by hand (by Olga Owner)")
        self.assertEqual(self.status(self.sibling, self.partner_url), 200)
        self.assertEqual(self.status(self.sibling, "/partners/"), 200)
        self.assertContains(self.client.get("/partners/"), "Duna Zrt.")
        entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Share))
        self.assertEqual((entry.actor, entry.action), (self.owner, LogEntry.Action.CREATE))

    def test_supervisors_at_any_depth_and_admins_may_share_others_get_403(self):
        # A sibling who does not see the partner: 404, as on the partner page itself.
        self.assertEqual(self.share(self.sibling).status_code, 404)
        # One who sees it (it was shared with them) still may not share it on: 403.
        self.share(self.owner)
        self.client.force_login(self.sibling)
        response = self.client.post(self.share_url, {"user": self.boss.pk})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.status(self.sibling, self.share_url), 403)
        self.assertEqual(list(Share.objects.values_list("user", flat=True)), [self.sibling.pk])
        stranger = member(CompanyFactory(), *ALL)
        self.assertEqual(self.status(stranger, self.share_url), 404)  # another company's record
        for manager in (self.boss, self.director, self.admin):
            Share.objects.all().delete()
            self.assertEqual(self.share(manager).status_code, 302, manager)
            self.assertTrue(Share.objects.filter(user=self.sibling, granted_by=manager).exists())

    def test_only_the_managers_see_the_share_form(self):
        Share.objects.create(
            company=self.company,
            content_type=ContentType.objects.get_for_model(self.account),
            object_id=self.account.pk,
            user=self.sibling,
            reason="manual",
        )
        self.client.force_login(self.sibling)
        page = self.client.get(self.partner_url)
        self.assertContains(page, "Shared with")
        self.assertNotContains(page, "Share with a colleague")
        self.assertNotContains(page, "/revoke/")

    @time_machine.travel(at(2026, 7, 10, 9, 0), tick=False)
    def test_a_day_in_the_past_is_refused_next_to_the_field_and_nothing_is_lost(self):
        response = self.share(self.owner, until="2026-07-09")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The last day cannot be in the past.")
        self.assertContains(response, 'value="2026-07-09"')
        self.assertContains(response, f'<option value="{self.sibling.pk}" selected>')
        self.assertFalse(Share.objects.exists())
        for bad in ("2026-13-45", "soon"):
            self.assertEqual(self.share(self.owner, until=bad).status_code, 200)
        self.assertEqual(self.share(self.owner, user="x").status_code, 200)
        self.assertFalse(Share.objects.exists())

    def test_a_holiday_cover_ends_after_its_last_day_without_a_job(self):
        with time_machine.travel(at(2026, 7, 10, 9, 0), tick=False):
            response = self.share(self.owner, until="2026-07-17", follow=True)
            self.assertContains(response, "Shared with Sam Sibling until 17/07/2026.")
            self.assertContains(response, "until 17/07/2026</small>")
        with time_machine.travel(at(2026, 7, 17, 23, 59), tick=False):
            self.assertEqual(self.status(self.sibling, self.partner_url), 200)  # the whole last day
        with time_machine.travel(at(2026, 7, 18, 0, 0), tick=False):
            self.assertEqual(self.status(self.sibling, self.partner_url), 404)
            self.client.force_login(self.owner)
            self.assertContains(self.client.get(self.partner_url), "Not shared with anyone.")

    def test_revoke_asks_first_then_closes_the_record(self):
        self.share(self.owner)
        share = Share.objects.get()
        self.client.force_login(self.boss)
        self.assertContains(self.client.get(self.partner_url), f"/shares/{share.pk}/revoke/")
        confirm = self.client.get(f"/shares/{share.pk}/revoke/")
        self.assertContains(confirm, "Yes, revoke")
        self.assertTrue(Share.objects.exists())
        self.assertRedirects(self.client.post(f"/shares/{share.pk}/revoke/"), self.partner_url)
        self.assertFalse(Share.objects.exists())
        self.assertEqual(self.status(self.sibling, self.partner_url), 404)
        actions = list(
            LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Share))
            .order_by("pk")
            .values_list("action", "actor")
        )
        self.assertEqual(
            actions, [(LogEntry.Action.CREATE, self.owner.pk), (LogEntry.Action.DELETE, self.boss.pk)]
        )

    def test_sharing_again_changes_the_last_day(self):
        with time_machine.travel(at(2026, 7, 10, 9, 0), tick=False):
            self.share(self.owner, until="2026-07-17")
            self.share(self.owner, until="2026-07-24")
            share = Share.objects.get()
            self.assertEqual(share.until, at(2026, 7, 25))
            self.assertEqual(
                LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Share)).count(), 2
            )

    def test_a_thread_is_shared_the_same_way(self):
        thread = factories.thread(self.company, self.owner, subject="Renewal")
        self.assertEqual(self.status(self.sibling, thread.get_absolute_url()), 404)
        self.client.force_login(self.owner)
        self.assertContains(self.client.get(thread.get_absolute_url()), "Share with a colleague")
        response = self.client.post(f"/shares/thread/{thread.pk}/", {"user": self.sibling.pk})
        self.assertRedirects(response, thread.get_absolute_url())
        self.assertEqual(self.status(self.sibling, thread.get_absolute_url()), 200)
        self.client.force_login(self.sibling)
        self.assertEqual(
            self.client.post(f"/shares/thread/{thread.pk}/", {"user": self.boss.pk}).status_code, 403
        )

    def test_unknown_kinds_and_ids_are_404(self):
        self.client.force_login(self.owner)
        self.assertEqual(self.client.get(f"/shares/order/{self.account.pk}/").status_code, 404)
        self.assertEqual(self.client.get("/shares/partner/999999999/").status_code, 404)
        self.assertEqual(self.client.get("/shares/999999999/revoke/").status_code, 404)
