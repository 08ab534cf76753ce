"""The OpenAPI schema generates without a warning (as CI runs it) and the docs page works from vendored files."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import TestCase

from tests.factories import CompanyFactory, member


class SchemaTests(TestCase):
    def test_spectacular_validates_with_no_warnings(self):
        # --fail-on-warn turns any warning (an unresolvable field, an unknown authenticator...) into an error.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")

    def test_the_schema_is_served_to_members_only(self):
        self.assertEqual(self.client.get("/api/v1/schema/").status_code, 401)
        company = CompanyFactory()
        self.client.force_login(member(company))
        response = self.client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertIn("/api/v1/partners/", schema["paths"])
        self.assertIn("bearerAuth", schema["components"]["securitySchemes"])


class DocsPageTests(TestCase):
    def test_the_docs_page_uses_only_vendored_files_and_no_inline_script(self):
        self.client.force_login(member(CompanyFactory()))
        response = self.client.get("/api/v1/docs/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotIn("https://", html.split("<body>")[0])  # no CDN
        self.assertNotRegex(html, r"<script>(?!</script>)|<script(?![^>]*\bsrc=)[^>]*>")  # only src= scripts
        for path in ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "api/swagger-init.js"):
            self.assertIn(f"/static/{path}", html)
            self.assertTrue(Path(finders.find(path)).is_file(), path)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
