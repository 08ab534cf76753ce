"""Dunning: which partner gets which letter today, and the run that records and sends them.

Rules (per company, on the company's day in its time zone; "N working days after" is
`WorkCalendar.add_working_days`, the N-th working day after, as for every rule):
1. An invoice counts once it is `first_letter_after` working days past its due date.
2. A partner gets a letter when the counted invoices total at least the threshold in some currency.
3. A sequence continues while an invoice of its last letter is still open; then the next letter is
   due `repeat_every` working days after the last one. Otherwise a new sequence starts (level 1).
4. Level 2 from `second_level_after_weeks` after the sequence's first letter; level 3 likewise.
5. An open promise to pay (event type "promise-to-pay" dated today or later) pauses the partner.
6. Letters go to the partner's financial contact(s); a partner without one is reported, never
   skipped silently.
The letter row (unique per company, partner and due slot) is written before anything is sent, so a
second run, a late run or a retried task finds it and sends nothing twice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, Template
from django.utils import translation

from companies.models import Company
from companies.visibility import Viewer
from companies.workdays import WorkCalendar, company_day
from contacts.models import Contact
from events.models import Event
from ops.outbox import queue_after_commit
from partners.models import Partner
from receivables import letters
from receivables.models import DunningLetter, DunningLetterInvoice, DunningPolicy, Invoice, LetterTemplate

PROMISE_TYPE = "promise-to-pay"
# The task that sends one letter, by name (receivables/tasks.py imports this module, not the reverse).
SEND_LETTER_TASK = "receivables.tasks.send_dunning_letter"


@dataclass
class PlannedLine:
    invoice: Invoice
    days_overdue: int


@dataclass
class PlannedLetter:
    partner: Partner
    level: int
    slot: date
    sequence_started_on: date
    lines: list[PlannedLine]
    totals: dict[str, Decimal]
    recipients: list[str] = field(default_factory=list)
    language: str = "en"

    @property
    def has_recipients(self) -> bool:
        return bool(self.recipients)


@dataclass
class Plan:
    letters: list[PlannedLetter]
    without_contact: list[PlannedLetter]
    paused: list[Partner]


def policy_for(company: Company) -> DunningPolicy:
    policy, _ = DunningPolicy.objects.get_or_create(company=company)
    return policy


def plan_letters(company: Company, today: date) -> Plan:
    """What today's run would send: a fixed number of queries whatever the number of invoices.

    The run is the company's, whoever previews it, so it reads as the company's job (`Viewer.for_job`).
    """
    policy = policy_for(company)
    calendar = WorkCalendar.for_company(company)
    thresholds = {row.currency: row.minimum for row in policy.thresholds.all()}
    job = Viewer.for_job(company)
    open_invoices = list(
        Invoice.objects.visible_to(job)
        .filter(open_amount__gt=0)
        .select_related("partner")
        .order_by("due_on", "pk")
    )
    by_partner: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in open_invoices:
        by_partner[invoice.partner_id].append(invoice)
    partner_ids = list(by_partner)
    last_letters = _last_letters(job, partner_ids)
    last_letter_invoices = _letter_invoice_ids([letter.pk for letter in last_letters.values()])
    paused = set(
        Event.objects.visible_to(job)
        .filter(
            partner_id__in=partner_ids,
            type__code=PROMISE_TYPE,
            promised_payment_on__gte=today,
        )
        .values_list("partner_id", flat=True)
    )
    contacts = _financial_contacts(partner_ids)
    plan = Plan(letters=[], without_contact=[], paused=[])
    for partner_id, invoices in by_partner.items():
        partner = invoices[0].partner
        if partner_id in paused:
            plan.paused.append(partner)
            continue
        counted = [
            inv
            for inv in invoices
            if today >= calendar.add_working_days(inv.due_on, policy.first_letter_after)
        ]
        if not counted:
            continue
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for invoice in counted:
            totals[invoice.currency] += invoice.open_amount
        if not any(amount >= thresholds.get(cur, _default_threshold(cur)) for cur, amount in totals.items()):
            continue
        last = last_letters.get(partner_id)
        open_ids = {invoice.pk for invoice in invoices}
        if last is not None and last_letter_invoices.get(last.pk, set()) & open_ids:
            last_day = max(last.slot, company_day(company, last.created_at))
            slot = calendar.add_working_days(last_day, policy.repeat_every)
            started = last.sequence_started_on
        else:
            oldest = min(inv.due_on for inv in counted)
            slot = calendar.add_working_days(oldest, policy.first_letter_after)
            if last is not None and slot <= last.slot:
                slot = today
            # The sequence starts with the letter that goes out (today), not with a slot a late or
            # first-ever run caught up on: a partner's first letter is never a "second reminder".
            started = today
        if today < slot:
            continue
        level = 1
        if today >= started + timedelta(weeks=policy.second_level_after_weeks):
            level = 2
        if policy.third_level_after_weeks and today >= started + timedelta(
            weeks=policy.third_level_after_weeks
        ):
            level = 3
        people = contacts.get(partner_id, [])
        letter = PlannedLetter(
            partner=partner,
            level=level,
            slot=slot,
            sequence_started_on=started,
            lines=[PlannedLine(inv, (today - inv.due_on).days) for inv in counted],
            totals=dict(totals),
            recipients=[person.email for person in people],
            language=next((p.preferred_language for p in people if p.preferred_language), company.language),
        )
        (plan.letters if letter.has_recipients else plan.without_contact).append(letter)
    plan.letters.sort(key=lambda letter: letter.partner.name)
    plan.without_contact.sort(key=lambda letter: letter.partner.name)
    return plan


def _default_threshold(currency: str) -> Decimal:
    return Decimal("1000") if currency == "HUF" else Decimal("0")


def _last_letters(job: Viewer, partner_ids: list[int]) -> dict[int, DunningLetter]:
    latest: dict[int, DunningLetter] = {}
    letters_of_partners = DunningLetter.objects.visible_to(job).filter(partner_id__in=partner_ids)
    for letter in letters_of_partners.order_by("slot", "pk"):
        latest[letter.partner_id] = letter
    return latest


def _letter_invoice_ids(letter_ids: list[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    for letter_id, invoice_id in DunningLetterInvoice.objects.filter(letter_id__in=letter_ids).values_list(
        "letter_id", "invoice_id"
    ):
        result[letter_id].add(invoice_id)
    return result


def _financial_contacts(partner_ids: list[int]) -> dict[int, list[Contact]]:
    result: dict[int, list[Contact]] = defaultdict(list)
    contacts = (
        Contact.objects.active()
        .filter(partner_id__in=partner_ids, roles__type__code="financial")
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    for contact in contacts:
        result[contact.partner_id].append(contact)
    return result


class LetterRenderer:
    """Renders letters; each (level, language) template is looked up and compiled once per run.

    A company's own template wins, then a group-wide one (no company), then the default text of
    `receivables/letters.py`. The blocks (invoice table, payment details, signature) are laid out
    here in the letter's language, so every template prints them the same way.
    """

    def __init__(self, company: Company):
        self.company = company
        self.rows = {
            (row.company_id, row.level, row.language): row
            for row in LetterTemplate.objects.filter(Q(company=company) | Q(company__isnull=True))
        }
        self.compiled: dict[tuple[int, str], tuple[Template, Template]] = {}
        self.policy = policy_for(company)
        self.calendar = WorkCalendar.for_company(company)

    def _templates(self, level: int, language: str) -> tuple[Template, Template]:
        key = (level, language)
        if key not in self.compiled:
            row = self.rows.get((self.company.pk, level, language)) or self.rows.get((None, level, language))
            subject, body = (row.subject, row.body) if row else _builtin_template(level, language)
            self.compiled[key] = (Template(subject), Template(body))
        return self.compiled[key]

    def deadline(self, on: date) -> date:
        """The payment deadline a letter dated `on` gives: N working days after it."""
        return self.calendar.add_working_days(on, self.policy.payment_within)

    def render(self, planned: PlannedLetter, on: date | None = None) -> tuple[str, str]:
        """Subject and body of the letter dated `on` (default: today in the company's zone)."""
        on = on or company_day(self.company)
        language = planned.language
        subject, body = self._templates(planned.level, language)
        lines = [
            letters.LetterLine(
                number=line.invoice.number,
                issued_on=line.invoice.issued_on,
                due_on=line.invoice.due_on,
                days_overdue=line.days_overdue,
                open_amount=line.invoice.open_amount,
                currency=line.invoice.currency,
            )
            for line in planned.lines
        ]
        deadline = self.deadline(on)
        context = Context(
            {
                "partner": planned.partner,
                "company": self.company,
                "level": planned.level,
                "letter_date": letters.letter_date(on, language),
                "deadline": letters.letter_date(deadline, language),
                "payment_within": self.policy.payment_within,
                "invoices": [
                    {
                        "number": line.number,
                        "issued_on": line.issued_on,
                        "due_on": line.due_on,
                        "open_amount": line.open_amount,
                        "currency": line.currency,
                        "days_overdue": line.days_overdue,
                        "issued": letters.letter_date(line.issued_on, language),
                        "due": letters.letter_date(line.due_on, language),
                        "amount": letters.amount_text(line.open_amount, line.currency, language),
                    }
                    for line in lines
                ],
                "totals": planned.totals,
                "total_text": letters.total_text(planned.totals, language, lines),
                "invoice_table": letters.invoice_table(lines, planned.totals, language),
                "payment_details": letters.payment_details(
                    self.company, deadline, [line.number for line in lines], language
                ),
                "signature": letters.signature(self.company, language),
            },
            autoescape=False,
        )
        with translation.override(letters.language_of(language)):
            return subject.render(context).strip(), body.render(context)


def _builtin_template(level: int, language: str = "en") -> tuple[str, str]:
    """The default text of a level in a language (receivables/letters.py)."""
    return letters.default_template(level, language)


def dunning_run(company: Company, today: date | None = None) -> dict:
    """Record today's letters (each at most once per due slot) and send them after commit."""
    today = today or company_day(company)  # the company's own day, in its time zone
    if not policy_for(company).is_active:
        return {"created": 0, "without_contact": 0, "paused": 0}
    plan = plan_letters(company, today)
    renderer = LetterRenderer(company)
    created = 0
    for planned in plan.letters:
        subject, body = renderer.render(planned, today)
        try:
            with transaction.atomic():
                letter = DunningLetter.objects.create(
                    company=company,
                    partner=planned.partner,
                    slot=planned.slot,
                    level=planned.level,
                    sequence_started_on=planned.sequence_started_on,
                    recipients=planned.recipients,
                    subject=subject,
                    body=body,
                    totals={currency: str(amount) for currency, amount in planned.totals.items()},
                )
                DunningLetterInvoice.objects.bulk_create(
                    [
                        DunningLetterInvoice(
                            letter=letter,
                            invoice=line.invoice,
                            open_amount=line.invoice.open_amount,
                            days_overdue=line.days_overdue,
                        )
                        for line in planned.lines
                    ]
                )
        except IntegrityError:
            continue  # this slot's letter exists already: a second or late run
        created += 1
        queue_after_commit(SEND_LETTER_TASK, letter.pk)
    return {"created": created, "without_contact": len(plan.without_contact), "paused": len(plan.paused)}


def dunning_run_all(today: date | None = None) -> dict[str, dict]:
    """Every active company's run; without `today`, each on its own day (its time zone)."""
    return {company.code: dunning_run(company, today) for company in Company.objects.filter(is_active=True)}


def message_id_for(letter: DunningLetter) -> str:
    """A stable Message-ID: a re-send after a crash carries the same id, so receivers can tell."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "crm.local"
    return f"<dunning-{letter.company_id}-{letter.pk}@{domain}>"
