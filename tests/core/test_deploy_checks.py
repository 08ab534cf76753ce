"""`manage.py check --deploy` warns when links would point at the development server."""

from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings


def deploy_warnings() -> set[str]:
    return {
        message.id for message in run_checks(include_deployment_checks=True) if message.id.startswith("crm.")
    }


class DeployCheckTests(SimpleTestCase):
    @override_settings(CRM_BASE_URL="http://127.0.0.1:8000", ANYMAIL={"WEBHOOK_SECRET": "u:p"})
    def test_the_development_default_is_reported(self):
        self.assertEqual(deploy_warnings(), {"crm.W001"})

    @override_settings(CRM_BASE_URL="", ANYMAIL={"WEBHOOK_SECRET": "u:p"})
    def test_an_empty_base_url_is_reported(self):
        self.assertEqual(deploy_warnings(), {"crm.W001"})

    @override_settings(CRM_BASE_URL="http://crm.example.com", ANYMAIL={"WEBHOOK_SECRET": "u:p"})
    def test_plain_http_is_reported(self):
        self.assertEqual(deploy_warnings(), {"crm.W002"})

    @override_settings(
        CRM_BASE_URL="https://crm.example.com",
        ANYMAIL={"WEBHOOK_SECRET": ""},
        ANYMAIL_TRACKING_ESPS=["postmark"],
    )
    def test_tracking_webhooks_without_a_secret_are_reported(self):
        self.assertEqual(deploy_warnings(), {"crm.W003"})

    @override_settings(CRM_BASE_URL="https://crm.example.com/", ANYMAIL={"WEBHOOK_SECRET": "u:p"})
    def test_a_production_setup_passes(self):
        self.assertEqual(deploy_warnings(), set())
