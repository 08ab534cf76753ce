import re
import shutil
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.http import HttpRequest
from django.test import TestCase, override_settings

from tests.factories import PASSWORD, CompanyFactory, member

LOCALE = Path(__file__).resolve().parents[2] / "locale"


class AuthPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = member(CompanyFactory(), username="kata", email="kata@example.com")

    def test_login_rotates_the_session(self):
        self.client.get("/accounts/login/")
        self.client.cookies["sessionid"] = "attacker-chosen"
        response = self.client.post("/accounts/login/", {"username": "kata", "password": PASSWORD})
        self.assertRedirects(response, "/")
        self.assertNotEqual(self.client.cookies["sessionid"].value, "attacker-chosen")

    def test_wrong_password_and_unknown_user_look_the_same(self):
        wrong = self.client.post("/accounts/login/", {"username": "kata", "password": "nope"})
        unknown = self.client.post("/accounts/login/", {"username": "nobody-here", "password": "nope"})
        self.assertContains(wrong, "didn't match")
        self.assertContains(unknown, "didn't match")

    def test_password_change(self):
        self.client.force_login(self.user)
        response = self.client.post(
            "/accounts/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": "N3w-secret-2026!",
                "new_password2": "N3w-secret-2026!",
            },
        )
        self.assertRedirects(response, "/accounts/password_change/done/")
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password("N3w-secret-2026!"))

    def test_password_change_explains_bad_input(self):
        self.client.force_login(self.user)
        response = self.client.post(
            "/accounts/password_change/",
            {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
        )
        self.assertContains(response, "Your old password was entered incorrectly")

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def test_password_reset_sends_a_working_link(self):
        self.client.post("/accounts/password_reset/", {"email": "kata@example.com"})
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
        response = self.client.get(link, follow=True)
        self.assertContains(response, "Choose a new password")
        response = self.client.post(
            response.redirect_chain[-1][0],
            {"new_password1": "Reset-Pass-2026!", "new_password2": "Reset-Pass-2026!"},
        )
        self.assertRedirects(response, "/accounts/reset/done/")
        self.assertTrue(
            self.client.login(request=HttpRequest(), username="kata", password="Reset-Pass-2026!")
        )

    def test_logout_needs_post(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get("/accounts/logout/").status_code, 405)
        self.client.post("/accounts/logout/")
        self.assertRedirects(self.client.get("/"), "/accounts/login/?next=/")

    def test_every_page_sends_a_csp_without_inline_scripts(self):
        response = self.client.get("/accounts/login/")
        policy = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy.split("script-src")[1].split(";")[0])


def _entries(po_text: str):
    """Yield (msgid, [msgstr...], fuzzy) from a .po file, enough to find untranslated entries."""
    for block in po_text.split("\n\n"):
        if "msgid" not in block:
            continue
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)?\s*"(.*)"$', block.split("msgstr")[0], re.M))
        strs = re.split(r"^msgstr(?:\[\d\])?", block, flags=re.M)[1:]
        values = ["".join(re.findall(r'"(.*)"', part)) for part in strs]
        yield msgid, values, fuzzy


def _untranslated(po_text: str) -> list[str]:
    return [msgid for msgid, values, fuzzy in _entries(po_text) if msgid and (fuzzy or not all(values))]


def test_committed_translations_are_complete():
    for language in ("hu", "bg"):
        po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()
        assert not _untranslated(po), f"{language}: untranslated or fuzzy: {_untranslated(po)[:10]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is not installed (./test installs it)"
)
def test_every_ui_string_in_the_code_is_translated(tmp_path, monkeypatch):
    """Extract the strings from the code now and check both languages translate every one."""
    # makemessages writes next to any "locale" folder it sees, so it runs in a scratch tree that
    # links to the code but not to the real locale/ folder.
    source = tmp_path / "source"
    source.mkdir()
    root = LOCALE.parent
    for entry in root.iterdir():
        if entry.name in {"locale", ".venv", "var", "staticfiles", "tests", "bench", ".git"}:
            continue
        (source / entry.name).symlink_to(entry)
    output = tmp_path / "locale"
    for language in ("hu", "bg"):
        target = output / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(LOCALE / language / "LC_MESSAGES" / "django.po", target / "django.po")
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(output)]):
        call_command("makemessages", locale=["hu", "bg"], symlinks=True, verbosity=0)
    for language in ("hu", "bg"):
        po = (output / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        missing = _untranslated(po)
        assert not missing, f"{language}: {len(missing)} strings need a translation, e.g. {missing[:8]}"


class OtherSessionsTests(TestCase):
    def test_a_password_change_ends_the_users_other_sessions(self):
        from django.test import Client

        user = member(CompanyFactory(), username="twice")
        laptop, phone = Client(), Client()
        self.assertTrue(laptop.login(request=HttpRequest(), username="twice", password=PASSWORD))
        self.assertTrue(phone.login(request=HttpRequest(), username="twice", password=PASSWORD))
        self.assertEqual(phone.get("/").status_code, 200)
        laptop.post(
            "/accounts/password_change/",
            {
                "old_password": PASSWORD,
                "new_password1": "Fresh-Pass-2026!",
                "new_password2": "Fresh-Pass-2026!",
            },
        )
        self.assertEqual(laptop.get("/").status_code, 200)  # the session that changed it stays
        self.assertRedirects(phone.get("/"), "/accounts/login/?next=/")  # the other one is logged out
        user.refresh_from_db()
        self.assertTrue(user.check_password("Fresh-Pass-2026!"))
