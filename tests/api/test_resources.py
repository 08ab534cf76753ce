"""Create, list, update and the stale update (412) over the API, every body checked against the schema;
the writes go through the pages' services (numbers, mentions, notifications, GDPR notice, audit trail)."""

from auditlog.models import LogEntry
from django.core import mail
from django.test import TestCase

from communications.models import Notification, Task
from contacts.models import GdprNotice
from partners.models import Partner
from tests.api.helpers import ApiClient, token_for
from tests.api.schema_client import SchemaClient
from tests.factories import CompanyFactory, PartnerAccountFactory, member, supervise

ALL = [
    "partners.view_partner", "partners.add_partner", "partners.change_partner",
    "contacts.view_contact", "contacts.add_contact", "contacts.change_contact",
    "communications.view_thread", "communications.add_thread", "communications.change_thread",
    "communications.view_communication", "communications.add_communication",
    "communications.change_communication", "communications.view_task", "communications.add_task",
    "communications.change_task", "events.view_event", "events.add_event", "events.change_event",
]  # fmt: skip


class PartnerResourceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *ALL, username="anna")
        _token, cls.raw = token_for(cls.user, cls.company)

    def setUp(self):
        self.api = SchemaClient(self.raw)

    def test_create_list_update_and_a_stale_update(self):
        created = self.api.post(
            "/api/v1/partners/",
            {
                "name": "Alfa Kereskedelmi Kft.",
                "tax_number": "",
                "seat_city": "Győr",
                "email": "info@alfa.hu",
            },
        )
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual(body["name"], "Alfa Kereskedelmi Kft.")
        self.assertEqual(body["account"]["owner"], self.user.pk)
        self.assertEqual(body["account"]["status"], "prospect")
        partner = Partner.objects.get(pk=body["id"])
        self.assertEqual(partner.addresses.get().city, "Győr")
        # The audit trail names the token's user as the actor.
        entry = LogEntry.objects.get_for_object(partner).first()
        self.assertEqual(entry.actor, self.user)

        listed = self.api.get("/api/v1/partners/", {"q": "alfa"})
        self.assertEqual([row["id"] for row in listed.json()["results"]], [partner.pk])

        etag = created["ETag"]
        updated = self.api.patch(
            f"/api/v1/partners/{partner.pk}/",
            {"phone": "+36 1 234 5678", "account": {"status": "active"}},
            **{"If-Match": etag},
        )
        self.assertEqual(updated.status_code, 200, updated.content)
        self.assertEqual(updated.json()["phone"], "+36 1 234 5678")
        self.assertEqual(updated.json()["account"]["status"], "active")
        self.assertEqual(updated.json()["name"], "Alfa Kereskedelmi Kft.")  # untouched fields stay
        self.assertNotEqual(updated["ETag"], etag)

        stale = self.api.patch(f"/api/v1/partners/{partner.pk}/", {"phone": "1"}, **{"If-Match": etag})
        self.assertEqual(stale.status_code, 412)
        self.assertEqual(stale.json()["error"], "precondition_failed")
        partner.refresh_from_db()
        self.assertEqual(partner.phone, "+36 1 234 5678")

        missing = self.api.patch(f"/api/v1/partners/{partner.pk}/", {"phone": "1"})
        self.assertEqual(missing.status_code, 428)

    def test_field_errors_come_in_one_shape_and_nothing_is_saved(self):
        # Deliberately against the schema (an empty name): the plain client sends it anyway.
        response = ApiClient(self.raw).post(
            "/api/v1/partners/", {"name": "", "tax_number": "12345678-9-99", "email": "x"}
        )
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(body["error"], "invalid")
        self.assertTrue({"name", "email", "tax_number"} <= set(body["fields"]), body)
        self.assertTrue(all({"message", "code"} == set(e) for errs in body["fields"].values() for e in errs))
        self.assertFalse(Partner.objects.exists())

    def test_unknown_fields_and_non_objects_are_400(self):
        self.assertEqual(self.api.client.post("/api/v1/partners/", "[1]", content_type="application/json",
                                              headers=self.api.headers).status_code, 400)  # fmt: skip
        response = self.api.client.post(
            "/api/v1/partners/",
            '{"name": "X", "hacker": 1}',
            content_type="application/json",
            headers=self.api.headers,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("hacker", response.json()["fields"])
        broken = self.api.client.post(
            "/api/v1/partners/", '{"name": ', content_type="application/json", headers=self.api.headers
        )
        self.assertEqual(broken.status_code, 400)
        self.assertEqual(broken.json()["error"], "parse_error")

    def test_a_similar_name_needs_create_anyway_as_on_the_page(self):
        PartnerAccountFactory(company=self.company, owner=self.user, partner__name="Béta Szerviz Kft.")
        refused = self.api.post("/api/v1/partners/", {"name": "Béta Szerviz Kft"})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.json()["fields"]["non_field_errors"][0]["code"], "similar_name")
        accepted = self.api.post("/api/v1/partners/", {"name": "Béta Szerviz Kft", "create_anyway": True})
        self.assertEqual(accepted.status_code, 201)

    def test_cursor_pages_walk_every_row_once(self):
        for n in range(7):
            PartnerAccountFactory(company=self.company, owner=self.user, partner__name=f"P{n}")
        seen, url, params = [], "/api/v1/partners/", {"page_size": 3}
        while url:
            page = self.api.get(url, params).json()
            seen += [row["name"] for row in page["results"]]
            url, params = (
                (page["next"].replace("http://testserver", ""), None) if page["next"] else (None, None)
            )
        self.assertEqual(seen, [f"P{n}" for n in range(7)])

    def test_sparse_fields(self):
        PartnerAccountFactory(company=self.company, owner=self.user)
        row = self.api.client.get("/api/v1/partners/?fields=id,name", headers=self.api.headers).json()[
            "results"
        ][0]
        self.assertEqual(set(row), {"id", "name"})
        bad = self.api.client.get("/api/v1/partners/?fields=id,secret", headers=self.api.headers)
        self.assertEqual(bad.status_code, 400)


class ItemResourceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        cls.user = member(cls.company, *ALL, username="bela", first_name="Béla", last_name="Kiss")
        cls.colleague = member(cls.company, *ALL, username="cili", first_name="Cili", last_name="Nagy")
        cls.account = PartnerAccountFactory(company=cls.company, owner=cls.user)
        _token, cls.raw = token_for(cls.user, cls.company)

    def setUp(self):
        self.api = SchemaClient(self.raw)

    def test_a_task_is_numbered_assigned_and_mentions_notify(self):
        response = self.api.post(
            "/api/v1/tasks/",
            {
                "subject": "Call back",
                "partner": self.account.partner_id,
                "description": "Please @cili check the offer",
                "assignee": self.colleague.pk,
                "deadline": "2026-12-20T10:00:00",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertRegex(body["number"], r"^T-\d{4}-\d{6}$")
        self.assertEqual(body["author"], self.user.pk)
        self.assertIn(
            "(user:", Task.objects.get(pk=body["id"]).description
        )  # the typed mention became a token
        note = Notification.objects.get(recipient=self.colleague)
        self.assertEqual(note.actor, self.user)
        # Update through the service with If-Match; a stale ETag changes nothing.
        etag = response["ETag"]
        done = self.api.patch(f"/api/v1/tasks/{body['id']}/", {"status": "done"}, **{"If-Match": etag})
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], "done")
        self.assertIsNotNone(done.json()["completed_at"])
        stale = self.api.patch(f"/api/v1/tasks/{body['id']}/", {"subject": "x"}, **{"If-Match": etag})
        self.assertEqual(stale.status_code, 412)
        self.assertEqual(Task.objects.get(pk=body["id"]).subject, "Call back")
        listed = self.api.get("/api/v1/tasks/", {"status": "done"})
        self.assertEqual([row["id"] for row in listed.json()["results"]], [body["id"]])

    def test_a_communication_joins_a_new_thread_and_gets_its_number(self):
        response = self.api.post(
            "/api/v1/communications/",
            {"direction": "in", "channel": "email", "subject": "Offer", "partner": self.account.partner_id},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertRegex(response.json()["number"], r"^IN-\d{4}-\d{6}$")
        thread = self.api.get(f"/api/v1/threads/{response.json()['thread']}/")
        self.assertEqual(thread.json()["subject"], "Offer")

    def test_a_contact_with_an_email_gets_the_gdpr_notice(self):
        mail.outbox = []
        with self.captureOnCommitCallbacks(execute=True):
            response = self.api.post(
                "/api/v1/contacts/",
                {
                    "partner": self.account.partner_id,
                    "first_name": "Dóra",
                    "last_name": "Tóth",
                    "email": "dora@example.com",
                },
            )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertTrue(GdprNotice.objects.filter(contact_id=response.json()["id"]).exists())

    def test_notifications_list_and_mark_read(self):
        note = Notification.objects.create(recipient=self.user, company=self.company, verb="assign", text="x")
        Notification.objects.create(recipient=self.colleague, company=self.company, verb="assign", text="y")
        listed = self.api.get("/api/v1/notifications/")
        self.assertEqual([row["id"] for row in listed.json()["results"]], [note.pk])
        read = self.api.post(f"/api/v1/notifications/{note.pk}/read/")
        self.assertEqual(read.status_code, 200)
        self.assertIsNotNone(read.json()["read_at"])
        self.assertEqual(self.api.post("/api/v1/notifications/read-all/").json(), {"marked": 0})


class SupervisorTests(TestCase):
    def test_a_supervisor_reads_a_subordinates_partner_at_any_depth(self):
        company = CompanyFactory()
        boss, lead, seller = (member(company, "partners.view_partner") for _ in range(3))
        supervise(company, boss, lead)
        supervise(company, lead, seller)
        account = PartnerAccountFactory(company=company, owner=seller)
        _token, raw = token_for(boss, company)
        response = SchemaClient(raw).get(f"/api/v1/partners/{account.partner_id}/")
        self.assertEqual(response.status_code, 200)


class EventResourceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.events.factories import EventTypeFactory

        cls.company = CompanyFactory()
        cls.user = member(cls.company, *ALL)
        cls.account = PartnerAccountFactory(company=cls.company, owner=cls.user)
        cls.call = EventTypeFactory(code="call", kind="call")
        _token, cls.raw = token_for(cls.user, cls.company)

    def test_create_then_close_an_event_through_the_services(self):
        api = SchemaClient(self.raw)
        created = api.post(
            "/api/v1/events/",
            {"type": self.call.pk, "subject": "Intro call", "partner": self.account.partner_id,
             "starts_at": "2026-01-05T10:00"},
        )  # fmt: skip
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual((body["owner"], body["type"]), (self.user.pk, "call"))
        closed = api.post(
            f"/api/v1/events/{body['id']}/close/", {"outcome": "successful", "note": "Went well"}
        )
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertEqual(closed.json()["closed_by"], self.user.pk)
        again = api.post(f"/api/v1/events/{body['id']}/close/", {"outcome": "successful", "note": "Twice"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("already closed", again.json()["fields"]["non_field_errors"][0]["message"])

    def test_an_event_needs_a_type_the_users_groups_allow(self):
        response = SchemaClient(self.raw).post(
            "/api/v1/events/", {"type": 999999, "subject": "x", "starts_at": "2026-01-05T10:00"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("type", response.json()["fields"])


class TagTests(TestCase):
    def test_the_accounts_tags_are_set_by_id_and_another_companys_tag_is_refused(self):
        from partners.models import Tag

        company = CompanyFactory()
        user = member(company, *ALL)
        account = PartnerAccountFactory(company=company, owner=user)
        vip = Tag.objects.create(company=company, name="VIP")
        foreign = Tag.objects.create(company=CompanyFactory(), name="Foreign")
        api = SchemaClient(token_for(user, company)[1])
        url = f"/api/v1/partners/{account.partner_id}/"
        etag = api.get(url)["ETag"]
        refused = api.patch(url, {"account": {"tags": [foreign.pk]}}, **{"If-Match": etag})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("account.tags", refused.json()["fields"])
        done = api.patch(url, {"account": {"tags": [vip.pk]}}, **{"If-Match": etag})
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["account"]["tags"], [{"id": vip.pk, "name": "VIP"}])


class FollowUpTests(TestCase):
    def test_a_follow_up_takes_only_the_types_that_may_follow(self):
        from tests.events.factories import EventFactory, EventTypeFactory

        company = CompanyFactory()
        user = member(company, *ALL)
        call = EventTypeFactory(code="call", kind="call")
        visit = EventTypeFactory(code="visit", kind="call")
        offer = EventTypeFactory(code="offer", kind="call")
        call.follow_up_types.add(visit)
        first = EventFactory(company=company, owner=user, type=call)
        api = ApiClient(token_for(user, company)[1])
        body = {"follows": first.pk, "subject": "Next", "starts_at": "2026-01-05T10:00"}
        refused = api.post("/api/v1/events/", {**body, "type": offer.pk})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("type", refused.json()["fields"])
        created = api.post("/api/v1/events/", {**body, "type": visit.pk})
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["follows"], first.pk)
        for bad in (10**40, -1, True, "1"):
            self.assertEqual(api.post("/api/v1/events/", {**body, "follows": bad}).status_code, 400, bad)
            self.assertEqual(
                api.post("/api/v1/contacts/", {"partner": bad, "last_name": "X"}).status_code, 400
            )
