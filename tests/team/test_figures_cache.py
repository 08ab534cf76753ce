"""The team page keeps a viewer's figures for two minutes (team.stats.cached_team_figures): a reload,
a sort or an export within that time reads them from the cache; Refresh rebuilds them; nobody else
ever gets another viewer's cached rows."""

import re

import time_machine
from django.conf import settings
from django.test import TestCase

from tests.team.world import NOW, World, at

URL = "/team/"


def communications_of(response, person: str) -> str:
    body = response.content.decode()
    row = body[body.index(f'data-person="{person}"') :].split("</tr>")[0]
    return re.search(r'data-figure="communications"><a href="[^"]*"[^>]*>([^<]+)<', row).group(1)


@time_machine.travel(NOW, tick=False)
class TeamFiguresCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.w = World()

    def get(self, user, query=""):
        self.client.force_login(user)
        session = self.client.session
        session["active_company_id"] = self.w.company.pk
        session.save()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return self.client.get(f"{URL}?{query}" if query else URL)

    def test_a_reload_within_two_minutes_reads_the_cache_and_refresh_rebuilds(self):
        before = self.get(self.w.anna)
        count = communications_of(before, "s1")
        self.assertContains(before, "Figures of ")
        self.w.comm(self.w.seller1, at(2026, 12, 8, 10))  # one more call this week
        self.assertEqual(communications_of(self.get(self.w.anna), "s1"), count)
        refreshed = self.get(self.w.anna, "fresh=1")
        self.assertEqual(refreshed.status_code, 302)  # rebuilt, then the address without ?fresh
        self.assertNotIn("fresh", refreshed["Location"])
        self.assertEqual(communications_of(self.client.get(refreshed["Location"]), "s1"), str(int(count) + 1))

    def test_another_viewer_never_gets_the_cached_rows(self):
        self.get(self.w.anna)  # anna's figures cached: seller1 and seller2
        bela = self.get(self.w.bela)
        self.assertCountEqual(re.findall(r'<tr data-person="([^"]+)"', bela.content.decode()), ["s2", "s3"])
