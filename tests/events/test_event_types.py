from django.contrib.auth.models import Group
from django.test import TestCase

from companies.models import Membership
from events.models import Event
from events.services import EventRuleError, event_create, follow_up_types
from tests.events.factories import EventFactory, EventTypeFactory
from tests.factories import CompanyFactory, PartnerAccountFactory, member

EVENT_FUNCTIONS = ("events.view_event", "events.add_event", "events.change_event", "partners.view_partner")


class FollowUpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.finance_group = Group.objects.create(name="Finance")
        cls.seller = member(cls.company, *EVENT_FUNCTIONS)
        cls.accountant = member(cls.company, *EVENT_FUNCTIONS, groups=[cls.finance_group])
        cls.call = EventTypeFactory(code="phone-call", name_en="Phone call", kind="call")
        cls.meeting = EventTypeFactory(code="meeting", name_en="Meeting", kind="meeting", has_place=True)
        cls.reminder = EventTypeFactory(code="reminder", name_en="Reminder", kind="reminder")
        cls.offer = EventTypeFactory(code="offer", name_en="Offer", kind="other")
        cls.collection = EventTypeFactory(code="collection-call", name_en="Collection call", kind="call")
        cls.collection.allowed_groups.set([cls.finance_group])
        cls.call.follow_up_types.set([cls.reminder, cls.meeting, cls.call, cls.collection])
        cls.partner = PartnerAccountFactory(company=cls.company, owner=cls.seller).partner

    def membership(self, user):
        return Membership.objects.select_related("user").get(user=user, company=self.company)

    def test_only_allowed_follow_up_types_are_offered(self):
        call = EventFactory(company=self.company, type=self.call, owner=self.seller)
        offered = set(follow_up_types(call, self.membership(self.seller)))
        self.assertEqual(offered, {self.reminder, self.meeting, self.call})
        self.assertIn(self.collection, set(follow_up_types(call, self.membership(self.accountant))))

    def test_a_type_that_may_not_follow_is_refused(self):
        call = EventFactory(company=self.company, type=self.call, owner=self.seller)
        with self.assertRaisesMessage(EventRuleError, "cannot follow"):
            event_create(
                company=self.company, membership=self.membership(self.seller), created_by=self.seller,
                type=self.offer, owner=self.seller, starts_at=call.starts_at, subject="x", follows=call,
            )  # fmt: skip

    def test_finance_only_type_is_refused_to_a_sales_user(self):
        with self.assertRaisesMessage(EventRuleError, "may not use"):
            event_create(
                company=self.company, membership=self.membership(self.seller), created_by=self.seller,
                type=self.collection, owner=self.seller, starts_at=self.partner.created_at, subject="x",
            )  # fmt: skip
        self.client.force_login(self.seller)
        response = self.client.get("/events/new/")
        self.assertNotIn(self.collection, list(response.context["form"].fields["type"].queryset))

    def test_follow_up_form_is_prefilled_and_chain_shows_on_both(self):
        call = EventFactory(
            company=self.company,
            type=self.call,
            owner=self.seller,
            partner=self.partner,
            subject="Price talk",
        )
        self.client.force_login(self.seller)
        page = self.client.get(f"/events/new/?follows={call.pk}&type={self.meeting.pk}")
        form = page.context["form"]
        self.assertEqual(form.initial["partner"], self.partner.pk)
        self.assertEqual(form.initial["subject"], "Price talk")
        self.assertEqual(set(form.fields["type"].queryset), {self.reminder, self.meeting, self.call})
        response = self.client.post(
            f"/events/new/?follows={call.pk}",
            {
                "type": self.meeting.pk, "subject": "Price talk on site", "partner": self.partner.pk,
                "owner": self.seller.pk, "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00",
                "location": "Győr, Ipar u. 7.",
            },
        )  # fmt: skip
        meeting = Event.objects.get(subject="Price talk on site")
        self.assertRedirects(response, f"/events/{meeting.pk}/")
        self.assertEqual(meeting.follows, call)
        self.assertContains(self.client.get(f"/events/{call.pk}/"), "Price talk on site")
        self.assertContains(self.client.get(f"/events/{meeting.pk}/"), "Price talk")

    def test_posting_a_forbidden_follow_up_type_is_an_error_not_a_save(self):
        call = EventFactory(company=self.company, type=self.call, owner=self.seller)
        self.client.force_login(self.seller)
        response = self.client.post(
            f"/events/new/?follows={call.pk}",
            {"type": self.offer.pk, "subject": "x", "owner": self.seller.pk, "starts_at": "2026-12-01T10:00"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["type"])
        self.assertEqual(Event.objects.count(), 1)

    def test_meeting_needs_a_place_and_end_after_start(self):
        self.client.force_login(self.seller)
        response = self.client.post(
            "/events/new/",
            {
                "type": self.meeting.pk, "subject": "x", "owner": self.seller.pk,
                "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T09:00",
            },
        )  # fmt: skip
        errors = response.context["form"].errors
        self.assertIn("location", errors)
        self.assertIn("ends_at", errors)
