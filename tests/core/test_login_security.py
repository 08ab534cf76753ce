"""Login throttling (django-axes), session handling at login and password change, cookie settings."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory, TestCase, override_settings
from django.utils import timezone

from core.request_id import client_ip
from tests.factories import PASSWORD, CompanyFactory, member

LOGIN = "/accounts/login/"
ROOT = Path(__file__).resolve().parents[2]
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


# The footer's clock (<time datetime="...">...</time>) moves between two answers on a slow machine.
CLOCK = re.compile(rb"<time [^>]*>[^<]*</time>")


def _page(response) -> bytes:
    """The page without the per-request CSRF token and the clock, for comparing two answers byte for byte."""
    return CLOCK.sub(b"", CSRF_TOKEN.sub(b"", response.content))


class LoginThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = member(CompanyFactory(), username="kata")

    def login(self, username, password, ip="10.0.0.1", client=None):
        client = client or self.client
        return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def assertLockedOut(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "registration/locked_out.html")
        self.assertContains(response, "Too many failed login attempts", status_code=429)
        self.assertContains(response, "Try again in 15 minutes", status_code=429)
        self.assertContains(response, "ask an administrator", status_code=429)

    def test_settings_are_the_ones_the_issue_asks_for(self):
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)
        self.assertEqual(settings.AXES_COOLOFF_TIME, timedelta(minutes=15))
        self.assertTrue(settings.AXES_RESET_ON_SUCCESS)
        self.assertEqual(settings.AUTHENTICATION_BACKENDS[0], "axes.backends.AxesStandaloneBackend")
        self.assertEqual(settings.MIDDLEWARE[-1], "axes.middleware.AxesMiddleware")

    def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(self):
        for _ in range(4):
            response = self.login("kata", "wrong")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "didn't match")
        self.assertLockedOut(self.login("kata", "wrong"))  # the 5th failure locks
        response = self.login("kata", PASSWORD)
        self.assertLockedOut(response)
        self.assertNotIn(SESSION_KEY, self.client.session)
        # The lock is on the username, from any address.
        self.assertLockedOut(self.login("kata", PASSWORD, ip="10.9.9.9", client=Client()))

    def test_an_unknown_username_gets_exactly_the_same_answers(self):
        known = [self.login("kata", "wrong", ip="10.0.0.1", client=Client()) for _ in range(6)]
        unknown = [self.login("nobody-here", "wrong", ip="10.0.0.2", client=Client()) for _ in range(6)]
        self.assertEqual([r.status_code for r in known], [200, 200, 200, 200, 429, 429])
        self.assertEqual([r.status_code for r in unknown], [r.status_code for r in known])
        for a, b in zip(known, unknown, strict=True):
            self.assertEqual([t.name for t in a.templates], [t.name for t in b.templates])
            # Same bytes apart from the CSRF token (the login form echoes the typed username).
            self.assertEqual(
                _page(a).replace(b'value="kata"', b""), _page(b).replace(b'value="nobody-here"', b"")
            )
        self.assertNotIn(b"kata", _page(known[-1]))
        self.assertNotIn(b"nobody-here", _page(unknown[-1]))

    def test_one_address_trying_many_usernames_is_locked_too(self):
        for n in range(5):
            self.login(f"guess{n}", "wrong", ip="10.0.0.3")
        self.assertLockedOut(self.login("kata", PASSWORD, ip="10.0.0.3"))
        self.assertRedirects(self.login("kata", PASSWORD, ip="10.0.0.4", client=Client()), "/")

    def test_login_works_again_after_the_cool_off(self):
        for _ in range(5):
            self.login("kata", "wrong")
        self.assertLockedOut(self.login("kata", PASSWORD))
        with time_machine.travel(timezone.now() + timedelta(minutes=14)):
            self.assertLockedOut(self.login("kata", PASSWORD))  # ... and this restarts the wait
        with time_machine.travel(timezone.now() + timedelta(minutes=14 + 16)):
            self.assertRedirects(self.login("kata", PASSWORD), "/")
            self.assertEqual(int(self.client.session[SESSION_KEY]), self.user.pk)

    def test_a_successful_login_resets_the_counter(self):
        for _ in range(4):
            self.login("kata", "wrong")
        self.assertRedirects(self.login("kata", PASSWORD), "/")
        self.client.post("/accounts/logout/")
        for _ in range(4):
            self.assertEqual(self.login("kata", "wrong").status_code, 200)
        self.assertRedirects(self.login("kata", PASSWORD), "/")


class SessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = member(CompanyFactory(), username="kata")

    def login(self, client):
        return client.post(LOGIN, {"username": "kata", "password": PASSWORD})

    def test_the_session_key_changes_at_login(self):
        session = self.client.session
        session["before_login"] = True
        session.save()
        before = session.session_key
        self.assertRedirects(self.login(self.client), "/")
        after = self.client.session.session_key
        self.assertNotEqual(before, after)
        self.assertFalse(self.client.session.exists(before))  # the old key is gone, not just unused

    def test_a_password_change_ends_the_other_sessions(self):
        laptop, phone = Client(), Client()
        self.assertRedirects(self.login(laptop), "/")
        self.assertRedirects(self.login(phone), "/")
        self.assertEqual(phone.get("/").status_code, 200)
        response = laptop.post(
            "/accounts/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": "Fresh-Pass-2026!",
                "new_password2": "Fresh-Pass-2026!",
            },
        )
        self.assertRedirects(response, "/accounts/password_change/done/")
        self.assertEqual(laptop.get("/").status_code, 200)  # the session that changed it stays
        self.assertRedirects(phone.get("/"), "/accounts/login/?next=/")  # the other one is logged out

    @override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
    def test_the_cookies_carry_the_flags(self):
        self.client.get(LOGIN)
        response = self.login(self.client)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["secure"])
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        csrf = response.cookies[settings.CSRF_COOKIE_NAME]
        self.assertTrue(csrf["secure"])
        self.assertEqual(csrf["samesite"], "Lax")


def test_production_settings_make_cookies_secure():
    """crm_project.settings itself, without the test overrides: DEBUG=false and no SECURE_COOKIES."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECURE_COOKIES", "DJANGO_SETTINGS_MODULE"}}
    env.update(DEBUG="false", DJANGO_SETTINGS_MODULE="crm_project.settings")
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in "
        "['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', "
        "'CSRF_COOKIE_SAMESITE', 'SECURE_SSL_REDIRECT']}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
    }


class ClientIpTests(TestCase):
    def request(self, forwarded=None):
        headers = {"REMOTE_ADDR": "172.18.0.1"}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **headers)

    def test_remote_addr_unless_the_proxy_header_is_trusted(self):
        self.assertEqual(client_ip(self.request("203.0.113.9")), "172.18.0.1")

    @override_settings(TRUST_X_FORWARDED_FOR=True)
    def test_the_entry_our_proxy_appended_when_trusted(self):
        self.assertEqual(client_ip(self.request("1.2.3.4, 203.0.113.9")), "203.0.113.9")  # 1.2.3.4: forged
        self.assertEqual(client_ip(self.request("not-an-ip")), "172.18.0.1")
        self.assertEqual(client_ip(self.request()), "172.18.0.1")

    @override_settings(TRUST_X_FORWARDED_FOR=True, TRUSTED_PROXY_COUNT=2)
    def test_several_proxies(self):
        self.assertEqual(client_ip(self.request("1.2.3.4, 203.0.113.9, 10.0.0.5")), "203.0.113.9")

    @override_settings(TRUST_X_FORWARDED_FOR=True)
    def test_the_lockout_follows_the_forwarded_address(self):
        member(CompanyFactory(), username="kata")
        for n in range(5):
            self.client.post(
                LOGIN, {"username": f"guess{n}", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7"
            )
        locked = self.client.post(
            LOGIN, {"username": "kata", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
        )
        self.assertEqual(locked.status_code, 429)
        other = Client().post(
            LOGIN, {"username": "kata", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.8"
        )
        self.assertRedirects(other, "/")
