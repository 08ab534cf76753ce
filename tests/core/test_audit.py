"""The audit trail: actor, company, time and field-level diff of every business write (core.audit)."""

import pytest
from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.test import TestCase, override_settings

if not apps.is_installed("auditlog"):
    pytest.skip(
        '"auditlog" is not in INSTALLED_APPS yet (see core/audit.py for the settings lines)',
        allow_module_level=True,
    )

from auditlog.context import set_actor  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402
from auditlog.registry import auditlog  # noqa: E402

from companies.models import Membership, SupervisorEdge  # noqa: E402
from contacts.models import Contact  # noqa: E402
from contacts.services import contact_anonymise  # noqa: E402
from core import audit  # noqa: E402
from partners.models import Partner, PartnerAccount  # noqa: E402
from tests.events.factories import EventFactory  # noqa: E402
from tests.factories import (  # noqa: E402
    CompanyFactory,
    ContactFactory,
    PartnerAccountFactory,
    UserFactory,
    group_with,
    member,
    supervise,
)
from tests.partners.test_forms import VALID  # noqa: E402

AUDIT_MIDDLEWARE = "core.audit.AuditlogMiddleware"


def _with_audit_middleware(middleware: list[str]) -> list[str]:
    """settings.MIDDLEWARE with the audit middleware after authentication (if the lead has not yet)."""
    if AUDIT_MIDDLEWARE in middleware or "auditlog.middleware.AuditlogMiddleware" in middleware:
        return list(middleware)
    at = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    return [*middleware[:at], AUDIT_MIDDLEWARE, *middleware[at:]]


@shared_task(name="tests.core.test_audit.rename_partner")
def rename_partner(partner_id: int, name: str) -> None:
    partner = Partner.objects.get(pk=partner_id)
    partner.name = name
    partner.save()


def entries_for(obj, action=None):
    entries = LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk")
    return entries if action is None else entries.filter(action=action)


@override_settings(MIDDLEWARE=_with_audit_middleware(settings.MIDDLEWARE))
class WebEditsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.seller = member(
            cls.company,
            "partners.view_partner",
            "partners.add_partner",
            "partners.change_partner",
            first_name="Sam",
            last_name="Seller",
        )

    def setUp(self):
        self.client.force_login(self.seller)

    def test_creating_a_partner_records_who_created_it(self):
        self.client.post("/partners/new/", VALID, headers={"x-forwarded-for": "203.0.113.9"})
        partner = Partner.objects.get(name=VALID["name"])
        created = entries_for(partner, LogEntry.Action.CREATE).get()
        self.assertEqual(created.actor, self.seller)
        self.assertEqual(created.changes["name"], ["None", VALID["name"]])
        self.assertEqual(created.additional_data, {"company_id": None})  # shared master data
        # A client cannot choose the address the log records (no trusted proxy configured).
        self.assertEqual(created.remote_addr, "127.0.0.1")
        account = PartnerAccount.objects.get(partner=partner)
        account_created = entries_for(account, LogEntry.Action.CREATE).get()
        self.assertEqual(account_created.actor, self.seller)
        self.assertEqual(account_created.additional_data, {"company_id": self.company.pk})

    def test_editing_a_partner_records_the_field_level_diff_and_the_page_shows_it(self):
        partner = PartnerAccountFactory(
            company=self.company, owner=self.seller, partner=Partner.objects.create(name="Old Name Kft.")
        ).partner
        response = self.client.post(
            f"/partners/{partner.pk}/edit/",
            {
                "master-name": "New Name Kft.",
                "master-tax_number": "",
                "master-is_customer": "on",
                "account-owner": self.seller.pk,
                "account-status": "active",
            },
        )
        self.assertRedirects(response, f"/partners/{partner.pk}/")
        updated = entries_for(partner, LogEntry.Action.UPDATE).get(changes__has_key="name")
        self.assertEqual(updated.changes["name"], ["Old Name Kft.", "New Name Kft."])
        self.assertEqual(updated.actor, self.seller)

        page = self.client.get(f"/partners/{partner.pk}/")
        self.assertContains(page, "<summary>History</summary>", html=False)
        history = page.content.decode()[page.content.decode().index("<summary>History</summary>") :]
        self.assertIn("Old Name Kft.", history)
        self.assertIn("New Name Kft.", history)
        self.assertIn("Sam Seller", history)
        self.assertIn("updated", history)

    def test_history_of_another_companys_row_is_not_shown(self):
        other = CompanyFactory()
        with set_actor(self.seller):
            foreign = PartnerAccountFactory(company=other, notes="their secret")
            foreign.notes = "their new secret"
            foreign.save()
        self.assertEqual(len(audit.history_for(foreign, company=other)), 2)
        self.assertEqual(audit.history_for(foreign, company=self.company), [])
        self.assertEqual(audit.history_for(foreign, company=None), [])


@override_settings(MIDDLEWARE=_with_audit_middleware(settings.MIDDLEWARE))
class HierarchyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.admin = member(cls.company, "companies.manage_hierarchy", first_name="Ada", last_name="Admin")
        cls.boss = member(cls.company, first_name="Bea", last_name="Boss")
        cls.worker = member(cls.company, first_name="Will", last_name="Worker")
        cls.edge = supervise(cls.company, cls.boss, cls.worker)

    def test_removing_a_supervisor_edge_records_a_delete(self):
        self.client.force_login(self.admin)
        edge_pk = self.edge.pk
        self.client.post(f"/org/supervisors/{edge_pk}/delete/")
        self.assertFalse(SupervisorEdge.objects.filter(pk=edge_pk).exists())
        deleted = LogEntry.objects.get(
            content_type__model="supervisoredge", object_id=edge_pk, action=LogEntry.Action.DELETE
        )
        self.assertEqual(deleted.actor, self.admin)
        self.assertEqual(deleted.additional_data["company_id"], self.company.pk)
        self.assertEqual(deleted.changes["subordinate"], [str(self.worker.pk), "None"])

    def test_membership_group_changes_are_recorded_and_shown_on_the_person_page(self):
        membership = Membership.objects.get(user=self.worker, company=self.company)
        group = group_with("partners.view_partner", name="Key accounts")
        with set_actor(self.admin):
            membership.groups.add(group)
            membership.groups.remove(group)
        added, removed = entries_for(membership).filter(changes__has_key="groups")
        self.assertEqual(
            added.changes["groups"], {"type": "m2m", "operation": "add", "objects": ["Key accounts"]}
        )
        self.assertEqual(removed.changes["groups"]["operation"], "delete")
        self.assertEqual((added.actor, added.additional_data["company_id"]), (self.admin, self.company.pk))

        self.client.force_login(self.boss)
        page = self.client.get(f"/org/people/{self.worker.pk}/").content.decode()
        history = page[page.index("<summary>History</summary>") :]
        self.assertIn("Key accounts", history)
        self.assertIn("Ada Admin", history)


class BackgroundJobTests(TestCase):
    def test_a_celery_task_records_the_system_job_as_actor(self):
        partner = Partner.objects.create(name="Before Kft.")
        rename_partner.delay(partner.pk, "After Kft.")  # eager in the tests, through Celery's tracer
        entry = entries_for(partner, LogEntry.Action.UPDATE).get()
        self.assertEqual(entry.actor.username, audit.SYSTEM_JOB_USERNAME)
        self.assertEqual(entry.additional_data, {"company_id": None, "job": rename_partner.name})
        self.assertEqual(entry.changes["name"], ["Before Kft.", "After Kft."])
        system = entry.actor
        self.assertFalse(system.is_active)
        self.assertFalse(system.has_usable_password())

    def test_the_callers_actor_is_restored_after_an_eager_task(self):
        user = UserFactory()
        partner = Partner.objects.create(name="Before Kft.")
        with set_actor(user):
            rename_partner.delay(partner.pk, "During Kft.")
            partner.refresh_from_db()
            partner.name = "After Kft."
            partner.save()
        job_entry, user_entry = entries_for(partner, LogEntry.Action.UPDATE)
        self.assertEqual(job_entry.actor.username, audit.SYSTEM_JOB_USERNAME)
        self.assertEqual(user_entry.actor, user)
        self.assertNotIn("job", user_entry.additional_data)

    def test_acting_as_job_without_writes_does_not_touch_the_database(self):
        with self.assertNumQueries(0), audit.acting_as_job("nothing-to-do"):
            pass


class CompanyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alfa = CompanyFactory(name="Alfa")
        cls.beta = CompanyFactory(name="Beta")
        cls.root = UserFactory(username="root", is_staff=True, is_superuser=True)

    def test_company_owned_rows_store_their_company_and_the_admin_filters_by_it(self):
        with set_actor(self.root):
            event = EventFactory(company=self.alfa)
            alfa_account = PartnerAccountFactory(company=self.alfa)
            beta_account = PartnerAccountFactory(company=self.beta)
        self.assertEqual(entries_for(event).get().additional_data["company_id"], self.alfa.pk)

        self.client.force_login(self.root)
        response = self.client.get("/admin/auditlog/logentry/", {"company": self.alfa.pk})
        self.assertEqual(response.status_code, 200)
        shown = list(response.context["cl"].result_list)
        self.assertTrue(shown)
        self.assertEqual({entry.additional_data["company_id"] for entry in shown}, {self.alfa.pk})
        self.assertIn(entries_for(alfa_account).get(), shown)
        self.assertNotIn(entries_for(beta_account).get(), shown)
        self.assertContains(response, "Beta")  # offered as a filter choice
        self.assertEqual(self.client.get("/admin/auditlog/logentry/", {"company": "x"}).status_code, 200)

    def test_the_admin_log_is_for_staff_only(self):
        self.client.force_login(member(self.alfa))
        response = self.client.get("/admin/auditlog/logentry/")
        self.assertNotEqual(response.status_code, 200)


class RegistrationAndErasureTests(TestCase):
    def test_every_listed_model_is_audited_and_reports_its_company(self):
        for label, _options in audit._audited_models():
            model = apps.get_model(label)
            with self.subTest(model=label):
                self.assertTrue(auditlog.contains(model))
                self.assertIs(model.get_additional_data, audit._additional_data)
        excluded = auditlog.get_model_fields(apps.get_model("companies.User"))["exclude_fields"]
        self.assertIn("password", excluded)

    def test_every_audited_field_has_a_translatable_label(self):
        """History sections name changed fields by their label: none may stay an English column name."""
        from django.utils.functional import Promise

        internal = {"lft", "rght", "tree_id", "level"}  # django-mptt's bookkeeping, excluded from the log
        for model in auditlog.get_models():
            if model._meta.app_label == "django_celery_beat":
                continue  # the library's own labels
            for field in model._meta.concrete_fields:
                if field.auto_created or field.name in internal:
                    continue
                with self.subTest(field=f"{model._meta.label}.{field.name}"):
                    self.assertIsInstance(field.verbose_name, Promise)

    def test_erasing_a_contact_removes_its_personal_data_from_the_log(self):
        user = UserFactory()
        with set_actor(user):
            contact = ContactFactory(first_name="Erika", last_name="Musterfrau", email="erika@example.com")
            contact.phone = "+36 1 555 0101"
            contact.save()
            event = EventFactory()
            event.contacts.add(contact)
            contact_anonymise(contact=Contact.objects.get(pk=contact.pk))  # erases the log too
        for entry in LogEntry.objects.all():
            text = f"{entry.object_repr} {entry.changes}"
            for secret in ("Erika", "Musterfrau", "erika@example.com", "555 0101"):
                self.assertNotIn(secret, text)
        # What changed, when and by whom stays.
        self.assertEqual(entries_for(contact).count(), 3)
        self.assertEqual(entries_for(contact).first().changes["email"], [audit.ERASED, audit.ERASED])


class DiffTests(TestCase):
    def test_a_created_row_is_diffed_over_its_own_columns_only(self):
        partner = Partner.objects.create(name="Columns Kft.")
        created = entries_for(partner, LogEntry.Action.CREATE).get()
        self.assertIn("name", created.changes)
        self.assertNotIn("contacts", created.changes)  # a reverse relation
        self.assertNotIn("erp_push", created.changes)
        self.assertNotIn("erp_push", partner._state.fields_cache)  # no stale "no push" left cached

    def test_beat_bookkeeping_on_a_periodic_task_is_not_logged_but_an_admin_edit_is(self):
        from django.utils import timezone
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        schedule = CrontabSchedule.objects.create(minute="*", hour="*")
        task = PeriodicTask.objects.create(
            name="heartbeat", task="core.tasks.record_heartbeat", crontab=schedule
        )
        task.last_run_at = timezone.now()
        task.total_run_count += 1
        task.save()  # what beat's DatabaseScheduler does after every run
        self.assertFalse(entries_for(task, LogEntry.Action.UPDATE).exists())
        task.enabled = False
        task.save()
        self.assertEqual(
            entries_for(task, LogEntry.Action.UPDATE).get().changes["enabled"], ["True", "False"]
        )


class HistoryQueryTests(TestCase):
    def test_foreign_keys_are_named_in_the_same_number_of_queries_for_few_and_many_entries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        company = CompanyFactory()
        owners = [UserFactory(first_name=name, last_name="Owner") for name in ("Ann", "Bob", "Cid")]
        account = PartnerAccountFactory(company=company, owner=owners[0])

        def change_owner(times: int) -> None:
            for i in range(times):
                account.owner = owners[(i + 1) % 3]
                account.save()

        def history() -> tuple[int, list]:
            with CaptureQueriesContext(connection) as queries:
                rows = audit.history_for(account, company=company)
            return len(queries), rows

        change_owner(2)
        few, _ = history()
        change_owner(20)
        many, rows = history()
        self.assertEqual(few, many)
        owner_change = next(
            change for change in rows[0]["changes"] if change["field"] == "responsible sales user"
        )
        # The newest change (the 20th of the second round) set Cid after Bob: as names, not ids.
        self.assertEqual((owner_change["old"], owner_change["new"]), (str(owners[1]), str(owners[2])))
