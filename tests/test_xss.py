"""A corpus of XSS payloads through every user-editable text field renders inert on every page."""

from html.parser import HTMLParser

from django.test import TestCase

from companies.permissions import crm_functions
from contacts.services import contact_create
from events.models import EventType
from tests.communications import factories
from tests.events.factories import EventFactory
from tests.factories import (
    CompanyFactory,
    DepartmentFactory,
    PartnerAccountFactory,
    PartnerAddressFactory,
    PartnerFactory,
    group_with,
    member,
)

PAYLOADS = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert("x2")>',
    "<svg/onload=alert('x3')>",
    "'><iframe src=javascript:alert('x4')></iframe>",
    "<a href=\"javascript:alert('x5')\">x5</a>",
    "{{ 7*7 }}{% now 'Y' %}",
]


class LiveMarkup(HTMLParser):
    """Collects what a browser would execute: script/iframe/img/svg elements, on* handlers, js: URLs."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False
        self.script_text = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "img", "object", "embed") or (tag == "svg" and "onload" in dict(attrs)):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}=javascript:")
        if tag == "script":
            self.in_script = True
            if not dict(attrs).get("src"):
                self.problems.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


class XssCorpusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        payload = " ".join(PAYLOADS)
        cls.company = CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        cls.user = member(cls.company, groups=[everything], first_name=PAYLOADS[0], last_name=PAYLOADS[1])
        department = DepartmentFactory(company=cls.company, name=PAYLOADS[2])
        cls.user.memberships.update(department=department, job_title=PAYLOADS[3])
        partner = PartnerFactory(name=payload, short_name=PAYLOADS[1], notes=payload, main_activity=payload)
        PartnerAddressFactory(partner=partner, city=PAYLOADS[0], street=PAYLOADS[1])
        cls.account = PartnerAccountFactory(
            company=cls.company, owner=cls.user, partner=partner, notes=payload
        )
        cls.contact = contact_create(
            partner=partner, company=None, first_name=PAYLOADS[0], last_name=PAYLOADS[1],
            position=PAYLOADS[2], notes=payload,
        )  # fmt: skip
        meeting = EventType.objects.create(code="meeting", name_en=PAYLOADS[0], kind="meeting")
        cls.event = EventFactory(
            company=cls.company, type=meeting, owner=cls.user, partner=partner, subject=payload,
            notes=payload, location=payload, closing_note=payload,
        )  # fmt: skip
        cls.thread = factories.thread(
            cls.company, cls.user, subject=payload, description=payload, partner=partner
        )
        cls.communication = factories.communication(
            cls.company, cls.user, thread=cls.thread, subject=payload, description=payload,
            counterparty_text=payload,
        )  # fmt: skip
        cls.task = factories.task(
            cls.company, cls.user, thread=cls.thread, subject=payload, description=payload, assignee=cls.user
        )

    def test_every_page_renders_the_payloads_inert(self):
        self.client.force_login(self.user)
        pk = self.account.partner_id
        pages = [
            "/", "/partners/", f"/partners/{pk}/", f"/partners/{pk}/edit/", "/org/",
            f"/org/people/{self.user.pk}/", f"/contacts/{self.contact.pk}/", f"/contacts/{self.contact.pk}/edit/",
            "/events/?scope=all", f"/events/{self.event.pk}/", "/events/calendar/view/?view=month&scope=all",
            "/threads/", f"/threads/{self.thread.pk}/", f"/communications/{self.communication.pk}/",
            f"/tasks/{self.task.pk}/", "/notifications/", "/live/", "/partners/counterparties/",
        ]  # fmt: skip
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                body = response.content.decode()
                parser = LiveMarkup()
                parser.feed(body)
                self.assertEqual(parser.problems, [], f"{url} renders live markup")
                self.assertNotIn(">49<", body)  # template syntax in data is never evaluated
