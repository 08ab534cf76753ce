"""Isolation over every URL that takes an object id: across companies and between colleagues.

The test walks the URL resolver. Every pattern with a path parameter must be
either in OBJECT_URLS (how to make an object owned by a user of a company for
it) or in PUBLIC_URLS (with the reason).

1. Across companies: a user of company A, holding every function there, must
   get 404 for company B's object; company B's own member gets the page
   (positive control, so the test can fail).
2. Between siblings: two sales users of one company with no hierarchy relation
   between them (both report to the same team lead). The sibling, holding every
   function except seeing all company data, gets 404 for the other's private
   records; the owner, the team lead and the lead's own supervisor get the page.
   COMPANY_WIDE_URLS are open to every member by design, PERSONAL_URLS only to
   the one person they belong to (not even their supervisor).
"""

import itertools
from collections.abc import Callable

from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from companies.permissions import crm_functions
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DepartmentFactory,
    PartnerAccountFactory,
    group_with,
    member,
    supervise,
)

# Patterns that take a parameter but hold no company data, with the reason.
PUBLIC_URLS = {
    "password_reset_confirm": "token link from the reset e-mail; no company data",
    "set_language": "takes no id",
    "events:ics_feed": "secret-token subscription URL, no login; unknown or revoked token gives 404",
    "orders:product": "products are a catalogue shared by every company; the page shows only the viewer's mentions",
    "partners:adopt": "the shared partner master: starts the user's own company's account, shows no company data",
}
PUBLIC_PREFIXES = {
    "admin:": "Django admin: staff only, guarded by the admin's own model permissions",
    "api:": "the REST API: walked with tokens by tests/api/test_isolation.py (other company, sibling, no token)",
}

# Objects every member of the company may open (a sibling too), with the reason.
COMPANY_WIDE_URLS = {
    "companies:person": "the organisation (people, supervisors, departments) is open to every member",
    "companies:supervisor_add": "the organisation: anyone holding manage_hierarchy edits it",
    "companies:edge_delete": "the organisation: anyone holding manage_hierarchy edits it",
    "companies:department": "the organisation is open to every member",
}
# Objects of one person only: their supervisor does not open them either.
PERSONAL_URLS = {
    "events:reminder_dismiss": "a reminder belongs to the person reminded",
    "events:reminder_snooze": "a reminder belongs to the person reminded",
    "communications:notification_open": "a notification belongs to its recipient",
    "companies:saved_view_edit": "an unshared saved view belongs to the person who saved it",
    "companies:saved_view_delete": "an unshared saved view belongs to the person who saved it",
    "companies:saved_view_default": "an unshared saved view belongs to the person who saved it",
}
ORDER_NUMBERS = itertools.count(1)


def _person(company, b_user):
    return {"pk": b_user.pk}


def _edge(company, b_user):
    boss = member(company)
    return {"pk": supervise(company, boss, b_user).pk}


def _department(company, b_user):
    return {"pk": DepartmentFactory(company=company).pk}


def _partner(company, b_user):
    return {"pk": PartnerAccountFactory(company=company, owner=b_user).partner_id}


def _partner_pk(company, b_user):
    return {"partner_pk": PartnerAccountFactory(company=company, owner=b_user).partner_id}


def _contact(company, b_user):
    partner = PartnerAccountFactory(company=company, owner=b_user).partner
    return {"pk": ContactFactory(partner=partner, email="").pk}


def _event(company, b_user):
    from tests.events.factories import EventFactory

    return {"pk": EventFactory(company=company, owner=b_user).pk}


def _reminder(company, b_user):
    from django.utils import timezone

    from events.models import ReminderDelivery
    from tests.events.factories import EventFactory

    event = EventFactory(company=company, owner=b_user)
    return {"pk": ReminderDelivery.objects.create(event=event, user=b_user, due_at=timezone.now()).pk}


def _thread(company, b_user):
    from tests.communications import factories

    return {"pk": factories.thread(company, b_user).pk}


def _communication(company, b_user):
    from tests.communications import factories

    return {"pk": factories.communication(company, b_user).pk}


def _task(company, b_user):
    from tests.communications import factories

    return {"pk": factories.task(company, b_user).pk}


def _saved_view(company, b_user):
    from companies.models import SavedView

    return {
        "pk": SavedView.objects.create(
            company=company, owner=b_user, list_name="tasks", name=f"Mine {next(ORDER_NUMBERS)}"
        ).pk
    }


def _attachment(company, b_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.communications import factories

    item = factories.communication(company, b_user, files=[SimpleUploadedFile("a.pdf", b"%PDF")])
    return {"pk": item.attachments.get().pk}


def _notification(company, b_user):
    from communications.models import Notification

    return {"pk": Notification.objects.create(recipient=b_user, company=company, verb="assign", text="x").pk}


def _order(company, b_user):
    from datetime import date

    from orders.models import Order

    partner = PartnerAccountFactory(company=company, owner=b_user).partner
    order = Order.objects.create(
        company=company,
        partner=partner,
        number=f"SO-{next(ORDER_NUMBERS)}",
        kind="customer",
        ordered_on=date(2026, 1, 1),
    )
    return {"pk": order.pk}


def _letter(company, b_user):
    from datetime import date

    from receivables.models import DunningLetter

    partner = PartnerAccountFactory(company=company, owner=b_user).partner
    letter = DunningLetter.objects.create(
        company=company, partner=partner, slot=date(2026, 1, 5), level=1, sequence_started_on=date(2026, 1, 5),
        subject="x", body="x",
    )  # fmt: skip
    return {"pk": letter.pk}


def _share_partner(company, b_user):
    return {"kind": "partner", "pk": PartnerAccountFactory(company=company, owner=b_user).pk}


def _share(company, b_user):
    from companies.sharing import share_grant

    account = PartnerAccountFactory(company=company, owner=b_user)
    return {"pk": share_grant(obj=account, user=member(company), actor=b_user).pk}


def _import_run(company, b_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportRun

    run = ImportRun.objects.create(
        company=company, created_by=b_user, kind="partners", original_name="p.csv", file_sha256="0" * 64,
        file=SimpleUploadedFile("p.csv", b"Name\r\nAlfa Kft.\r\n"), headers=["Name"], total_rows=1,
    )  # fmt: skip
    return {"pk": run.pk}


# url name -> (factory returning kwargs for company B's object, HTTP method)
OBJECT_URLS: dict[str, tuple[Callable, str]] = {
    "companies:person": (_person, "get"),
    "companies:supervisor_add": (_person, "post"),
    "companies:edge_delete": (_edge, "get"),
    "companies:department": (_department, "get"),
    "companies:share": (_share_partner, "get"),
    "companies:share_revoke": (_share, "get"),
    "partners:detail": (_partner, "get"),
    "partners:edit": (_partner, "get"),
    "partners:records": (_partner, "get"),
    "contacts:create": (_partner_pk, "get"),
    "contacts:detail": (_contact, "get"),
    "contacts:edit": (_contact, "get"),
    "contacts:export": (_contact, "get"),
    "contacts:anonymise": (_contact, "get"),
    "events:detail": (_event, "get"),
    "events:edit": (_event, "get"),
    "events:close": (_event, "post"),
    "events:delete": (_event, "get"),
    "events:reminder_dismiss": (_reminder, "post"),
    "events:reminder_snooze": (_reminder, "post"),
    "communications:thread": (_thread, "get"),
    "communications:thread_edit": (_thread, "get"),
    "communications:communication": (_communication, "get"),
    "communications:communication_edit": (_communication, "get"),
    "communications:copy_to_task": (_communication, "post"),
    "communications:task": (_task, "get"),
    "communications:task_edit": (_task, "get"),
    "communications:task_move": (_task, "post"),
    "companies:saved_view_edit": (_saved_view, "get"),
    "companies:saved_view_delete": (_saved_view, "get"),
    "companies:saved_view_default": (_saved_view, "post"),
    "communications:attachment": (_attachment, "get"),
    "communications:notification_open": (_notification, "post"),
    "orders:detail": (_order, "get"),
    "receivables:letter": (_letter, "get"),
    "receivables:partner": (_partner, "get"),
    # An import's supervisor sees its result (the columns and preview answer them 403, not 404).
    "imports:detail": (_import_run, "get"),
    "imports:mapping": (_import_run, "get"),
    "imports:preview": (_import_run, "get"),
    "imports:start": (_import_run, "post"),
    "imports:failures_csv": (_import_run, "get"),
    "imports:failures_xlsx": (_import_run, "get"),
}


def iter_patterns(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry, inner_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry


def parameterised_url_names() -> set[str]:
    names = set()
    for name, route, pattern in iter_patterns(get_resolver()):
        if not pattern.pattern.converters and "(?P<" not in route:
            continue
        if any(name.startswith(prefix) for prefix in PUBLIC_PREFIXES) or name in PUBLIC_URLS:
            continue
        names.add(name)
    return names


class UrlRegistryTests(TestCase):
    def test_every_object_url_is_covered(self):
        missing = parameterised_url_names() - set(OBJECT_URLS)
        self.assertFalse(
            missing,
            f"URLs taking an id without a cross-company case in OBJECT_URLS or a reason in PUBLIC_URLS: {missing}",
        )

    def test_registry_names_still_exist(self):
        self.assertFalse(set(OBJECT_URLS) - parameterised_url_names())


class CrossCompanyIsolationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company_a = CompanyFactory()
        cls.company_b = CompanyFactory()
        everything = group_with(*[f"{p.content_type.app_label}.{p.codename}" for p in crm_functions()])
        cls.a_user = member(cls.company_a, groups=[everything])
        cls.b_user = member(cls.company_b, groups=[everything])

    def request(self, user, name, kwargs, method):
        from django.urls import reverse

        self.client.force_login(user)
        url = reverse(name, kwargs=kwargs)
        return getattr(self.client, method)(url)

    def test_another_companys_objects_answer_404(self):
        for name, (make, method) in OBJECT_URLS.items():
            with self.subTest(url=name):
                kwargs = make(self.company_b, self.b_user)
                own = self.request(self.b_user, name, kwargs, method)
                self.assertNotEqual(own.status_code, 404, f"{name}: positive control failed")
                self.assertLess(own.status_code, 500)
                foreign = self.request(self.a_user, name, kwargs, method)
                self.assertEqual(foreign.status_code, 404, f"{name} leaked to another company")

    def test_nonexistent_and_huge_ids_answer_404_not_500(self):
        from django.urls import reverse

        for name, (make, method) in OBJECT_URLS.items():
            keys = list(make(self.company_b, self.b_user))
            template = reverse(name, kwargs=dict.fromkeys(keys, 987654321))
            for pk in (0, 999999999, 2**63 - 1, 2**70, 10**40):
                with self.subTest(url=name, pk=pk):
                    self.client.force_login(self.a_user)
                    url = template.replace("987654321", str(pk))
                    response = getattr(self.client, method)(url)
                    self.assertEqual(response.status_code, 404)


class SiblingIsolationTests(TestCase):
    """Inside one company: a colleague with no hierarchy relation sees none of the other's records."""

    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory()
        sales = group_with(
            *[
                f"{p.content_type.app_label}.{p.codename}"
                for p in crm_functions()
                if f"{p.content_type.app_label}.{p.codename}" != "companies.view_all_company_data"
            ]
        )
        cls.owner = member(cls.company, groups=[sales])
        cls.sibling = member(cls.company, groups=[sales])
        cls.lead = member(cls.company, groups=[sales])
        cls.director = member(cls.company, groups=[sales])
        supervise(cls.company, cls.lead, cls.owner)
        supervise(cls.company, cls.lead, cls.sibling)
        supervise(cls.company, cls.director, cls.lead)

    def request(self, user, name, kwargs, method):
        from django.urls import reverse

        self.client.force_login(user)
        return getattr(self.client, method)(reverse(name, kwargs=kwargs))

    def test_every_object_url_has_a_sibling_rule(self):
        self.assertFalse((set(COMPANY_WIDE_URLS) | set(PERSONAL_URLS)) - set(OBJECT_URLS))

    def test_a_siblings_private_records_answer_404_and_their_supervisors_open_them(self):
        for name, (make, method) in OBJECT_URLS.items():
            if name in COMPANY_WIDE_URLS:
                continue
            with self.subTest(url=name):
                kwargs = make(self.company, self.owner)
                sibling = self.request(self.sibling, name, kwargs, method)
                self.assertEqual(sibling.status_code, 404, f"{name} leaked to a sibling in the company")
                readers = [self.owner] if name in PERSONAL_URLS else [self.owner, self.lead, self.director]
                for reader in readers:
                    # A fresh object each time: some of these are POSTs that change it.
                    response = self.request(reader, name, make(self.company, self.owner), method)
                    self.assertNotEqual(response.status_code, 404, f"{name}: {reader} should open it")
                    self.assertLess(response.status_code, 500)
                if name in PERSONAL_URLS:
                    response = self.request(self.lead, name, make(self.company, self.owner), method)
                    self.assertEqual(response.status_code, 404, f"{name}: personal, not the supervisor's")

    def test_company_wide_records_open_for_a_sibling(self):
        for name in COMPANY_WIDE_URLS:
            make, method = OBJECT_URLS[name]
            with self.subTest(url=name):
                response = self.request(self.sibling, name, make(self.company, self.owner), method)
                self.assertNotEqual(response.status_code, 404)
                self.assertLess(response.status_code, 500)
