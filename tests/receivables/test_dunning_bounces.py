"""A bounced dunning letter becomes a task for finance: the collection owner, else a stated rule."""

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.core import mail
from django.test import TestCase, override_settings

from communications.models import Task
from companies.models import Membership
from companies.permissions import members_with_function
from contacts.models import ContactType
from contacts.services import contact_create
from core.audit import SYSTEM_JOB_USERNAME
from receivables.dunning import dunning_run
from receivables.models import DunningLetter, Invoice
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, UserFactory, member

SECRET = "hook:s3cret"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
RUN = "receivables.run_dunning"
VIEW = "receivables.view_receivables"


@override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend", ANYMAIL={"WEBHOOK_SECRET": SECRET})
class BounceFollowUpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="hu")
        # Joined first, only views receivables; then two who run dunning; an IT superuser in no group.
        cls.viewer = member(cls.company, VIEW, "communications.view_task")
        cls.first_runner = member(cls.company, RUN, VIEW, "communications.view_task")
        cls.second_runner = member(cls.company, RUN, VIEW, "communications.view_task")
        member(cls.company, user=UserFactory(is_superuser=True))
        cls.partner = PartnerFactory(name="Bounce Kft.")
        PartnerAccountFactory(company=cls.company, partner=cls.partner, owner=cls.viewer)
        financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        contact_create(
            partner=cls.partner, company=None, types=[financial], last_name="X", email="ap@bounce.example"
        )
        Invoice.objects.create(
            company=cls.company, partner=cls.partner, number="B-1", issued_on=date(2026, 10, 1),
            due_on=date(2026, 11, 1), amount=Decimal(90000), open_amount=Decimal(90000),
        )  # fmt: skip

    def bounce(self) -> Task:
        with (
            time_machine.travel(datetime(2026, 11, 23, 7, tzinfo=UTC), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            dunning_run(self.company, date(2026, 11, 23))
        letter = DunningLetter.objects.get()
        self.assertEqual(mail.outbox[0].metadata["letter_id"], str(letter.pk))
        payload = {
            "RecordType": "Bounce", "Type": "HardBounce", "TypeCode": 1, "ID": 4242,
            "MessageID": letter.message_id, "Email": "ap@bounce.example", "Recipient": "ap@bounce.example",
            "Metadata": {"letter_id": str(letter.pk)}, "BouncedAt": "2026-11-24T10:05:00Z",
            "Description": "The server was unable to deliver your message", "Inactive": True,
        }  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/anymail/postmark/tracking/", json.dumps(payload), content_type="application/json", **AUTH
            )
        self.assertEqual(response.status_code, 200)
        return Task.objects.get()

    def test_it_goes_to_the_collection_owner_written_by_the_system_in_the_companys_language(self):
        self.company.collection_owner = self.second_runner
        self.company.save()
        task = self.bounce()
        self.assertEqual(task.assignee, self.second_runner)
        self.assertEqual(task.author.username, SYSTEM_JOB_USERNAME)
        self.assertEqual(task.partner, self.partner)
        # The webhook request is in English; the company works in Hungarian.
        self.assertEqual(task.subject, "Visszapattant a fizetési felszólítás: Bounce Kft.")
        self.assertIn("ap@bounce.example", task.description)
        self.assertIn("The server was unable to deliver your message", task.description)
        self.client.force_login(self.second_runner)
        self.assertContains(self.client.get(f"/tasks/{task.pk}/"), "Bounce Kft.")

    def test_without_an_owner_the_longest_standing_member_who_runs_dunning_gets_it(self):
        self.assertEqual(self.bounce().assignee, self.first_runner)

    def test_an_owner_who_left_the_company_is_passed_over(self):
        self.company.collection_owner = self.second_runner
        self.company.save()
        Membership.objects.filter(user=self.second_runner, company=self.company).update(is_active=False)
        self.assertEqual(self.bounce().assignee, self.first_runner)

    def test_with_nobody_who_runs_dunning_someone_who_views_receivables_gets_it(self):
        Membership.objects.filter(user__in=[self.first_runner, self.second_runner]).update(is_active=False)
        self.assertEqual(self.bounce().assignee, self.viewer)


class MembersWithFunctionTests(TestCase):
    def test_active_members_holding_the_function_through_their_groups_longest_standing_first(self):
        company, other = CompanyFactory(), CompanyFactory()
        early = member(company, RUN)
        member(other, RUN)  # another company's
        member(company, VIEW)  # another function
        gone = member(company, RUN)
        Membership.objects.filter(user=gone).update(is_active=False)
        late = member(company, RUN)
        member(other, user=late)  # a membership elsewhere does not change the order here
        inactive_user = member(company, RUN)
        inactive_user.is_active = False
        inactive_user.save()
        member(company, user=UserFactory(is_superuser=True))
        self.assertEqual(list(members_with_function(company, RUN)), [early, late])
