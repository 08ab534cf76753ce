"""The access cache (companies.access): pages skip the membership and permission queries, and every
change that alters what a member may do shows on their next page."""

from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from companies.access import ACCESS, access_of, memberships_of
from companies.models import Membership
from tests.factories import CompanyFactory, group_with, member

PARTNERS = "/partners/"
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
}


def permission(code: str) -> Permission:
    app_label, codename = code.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


class AccessCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(name="Alfa")
        cls.other = CompanyFactory(name="Beta")
        cls.user = member(cls.company, "partners.view_partner")
        member(cls.other, user=cls.user)
        cls.membership = cls.user.memberships.get(company=cls.company)
        cls.group = cls.membership.groups.get()

    def setUp(self):
        self.client.force_login(self.user)

    def tables_read(self, url: str) -> str:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return " ".join(query["sql"] for query in queries.captured_queries)

    def test_a_second_page_reads_no_membership_permission_or_session_rows(self):
        reads = (
            'FROM "companies_membership" INNER JOIN "companies_company"',  # the active memberships
            '"auth_group_permissions"',  # the functions of the groups
            'FROM "auth_group" INNER JOIN "companies_membership_groups"',  # the group names
        )
        first = self.tables_read(PARTNERS)
        for read in reads:
            self.assertIn(read, first)
        second = self.tables_read(PARTNERS)
        for read in (*reads, 'FROM "django_session"'):
            self.assertNotIn(read, second)
        self.assertIn('"partners_partneraccount"', second)

    def test_a_granted_function_counts_on_the_next_page_and_a_withdrawn_one_too(self):
        self.assertEqual(self.client.get("/partners/new/").status_code, 403)
        self.group.permissions.add(permission("partners.add_partner"))
        self.assertEqual(self.client.get("/partners/new/").status_code, 200)
        self.group.permissions.remove(permission("partners.add_partner"))
        self.assertEqual(self.client.get("/partners/new/").status_code, 403)

    def test_a_group_taken_off_the_membership_counts_on_the_next_page(self):
        self.assertEqual(self.client.get(PARTNERS).status_code, 200)
        self.membership.groups.clear()
        self.assertEqual(self.client.get(PARTNERS).status_code, 403)

    def test_a_deactivated_company_leaves_the_switcher_and_the_active_company(self):
        self.assertEqual(self.client.get("/").context["active_company"], self.company)
        self.company.is_active = False
        self.company.save()
        response = self.client.get("/")
        self.assertEqual(response.context["active_company"], self.other)
        self.assertEqual([m.company for m in response.context["switchable_memberships"]()], [self.other])

    def test_a_renamed_company_shows_its_new_name(self):
        self.client.get("/")
        self.company.name = "Alfa Holding"
        self.company.save()
        self.assertContains(self.client.get("/"), "Alfa Holding")

    def test_a_user_made_superuser_gets_every_function(self):
        self.assertEqual(self.client.get("/partners/new/").status_code, 403)
        self.user.is_superuser = True
        self.user.save()
        self.assertEqual(self.client.get("/partners/new/").status_code, 200)

    def test_a_login_does_not_empty_the_cache(self):
        self.client.get("/")
        generation = cache.get(ACCESS.token_key(""))
        self.client.logout()
        self.client.force_login(self.user)  # saves last_login only
        self.assertEqual(cache.get(ACCESS.token_key("")), generation)

    def test_a_lost_generation_never_brings_back_older_entries(self):
        self.assertEqual(self.client.get(PARTNERS).status_code, 200)
        cache.delete(ACCESS.token_key(""))  # evicted, or Redis restarted with the entries still there
        Membership.groups.through.objects.filter(membership=self.membership).delete()  # no m2m signal
        self.assertEqual(self.client.get(PARTNERS).status_code, 403)

    def test_entries_are_per_user_and_per_membership(self):
        stranger = member(self.company)
        self.assertEqual([m.company for m in memberships_of(self.user)], [self.company, self.other])
        self.assertEqual([m.company for m in memberships_of(stranger)], [self.company])
        self.assertIn("partners.view_partner", access_of(self.membership).functions)
        self.assertEqual(access_of(stranger.memberships.get()).functions, frozenset())
        self.assertEqual(access_of(self.membership).group_names, frozenset({self.group.name}))


class CacheOutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, "partners.view_partner")
        other = group_with("partners.add_partner")
        cls.user.memberships.get().groups.add(other)

    def test_pages_work_from_the_database_while_the_cache_is_down(self):
        # The access cache alone (core.sessions has its own fallback; logging in and out need the cache).
        sessions = "django.contrib.sessions.backends.db"
        with (
            self.settings(CACHES=DEAD_REDIS, SESSION_ENGINE=sessions),
            self.assertLogs("core.cache", "ERROR"),
        ):
            self.client.force_login(self.user)
            self.assertEqual(self.client.get(PARTNERS).status_code, 200)
            self.assertEqual(self.client.get("/partners/new/").status_code, 200)
            self.assertEqual(self.client.get("/").context["active_company"], self.company)


class SessionCacheOutageTests(TestCase):
    def test_a_logged_in_user_keeps_working_while_the_session_cache_is_down(self):
        company = CompanyFactory()
        user = member(company, "partners.view_partner")
        self.client.force_login(user)
        with self.settings(CACHES=DEAD_REDIS), self.assertLogs("django.contrib.sessions", "ERROR"):
            response = self.client.get("/")
        self.assertEqual(response.context["user"], user)
        self.assertEqual(response.context["active_company"], company)

    def test_a_new_session_is_stored_in_the_database_while_the_cache_is_down(self):
        from core.sessions import SessionStore

        with self.settings(CACHES=DEAD_REDIS), self.assertLogs("django.contrib.sessions", "ERROR"):
            store = SessionStore()
            store["visited"] = True
            store.save()  # looks up free keys in the cache first (exists), then writes the row
        self.assertEqual(SessionStore(session_key=store.session_key).load(), {"visited": True})
