"""What a dunning letter says: the default texts per level and language, and the blocks they print.

The defaults are written here in Hungarian, Bulgarian and English as a finance clerk would write
them (they are letter content, not interface strings, so they do not wait for a translation):
level 1 is a friendly reminder, level 2 a firm escalation, level 3 the final notice naming the next
step. A company's own `LetterTemplate` row (company, level, language) replaces a default; the admin's
"Start from the default texts" copies these into the company's rows to edit.

A template is a Django template (plain text, no escaping) with these variables, the blocks already
laid out in the letter's language:
  {{ invoice_table }}    the labelled, aligned table of invoices with the total per currency
  {{ payment_details }}  the payment deadline, beneficiary, bank, account, reference and contact
  {{ signature }}        the company's name, department, seat, registration and tax number
  {{ letter_date }} {{ deadline }} {{ total_text }} {{ partner.name }} {{ company.name }} ...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import formats, translation

from companies.models import Company
from core.templatetags.crm import money
from receivables.models import LetterTemplate

LANGUAGES = ("hu", "bg", "en")
LEVELS = (1, 2, 3)


def language_of(language: str | None) -> str:
    """The letter language we have texts for ("hu-hu" -> "hu"; anything else -> English)."""
    code = (language or "").lower()[:2]
    return code if code in LANGUAGES else "en"


def letter_date(d: date, language: str = "en") -> str:
    """A date as the letter's language writes it on a document: "2026.12.15." in Hungarian,
    "15.12.2026" in Bulgarian, "15/12/2026" in English (never the US month-first order)."""
    with translation.override(language_of(language)):
        return formats.date_format(d, "SHORT_DATE_FORMAT")


def amount_text(amount: Decimal, currency: str, language: str) -> str:
    """An amount as the letter's language writes it: "1 250 000 Ft", "1 250 000,00 лв."."""
    with translation.override(language_of(language)):
        return money(amount, currency)


LABELS: dict[str, dict[str, str]] = {
    "hu": {
        "number": "Számlaszám",
        "issued": "Számla kelte",
        "due": "Esedékesség",
        "days": "Késés (nap)",
        "amount": "Fennálló összeg",
        "total": "Összesen",
        "deadline": "Fizetési határidő",
        "beneficiary": "Kedvezményezett",
        "bank": "Bank",
        "account": "Bankszámlaszám",
        "reference": "Közlemény",
        "contact": "Kapcsolattartó",
        "phone": "Telefon",
        "email": "E-mail",
        "department": "Pénzügyi osztály",
        "seat": "Székhely",
        "registration": "Cégjegyzékszám",
        "tax": "Adószám",
    },
    "bg": {
        "number": "Фактура №",
        "issued": "Дата на издаване",
        "due": "Падеж",
        "days": "Дни просрочие",
        "amount": "Неплатена сума",
        "total": "Общо",
        "deadline": "Срок за плащане",
        "beneficiary": "Получател",
        "bank": "Банка",
        "account": "IBAN",
        "reference": "Основание за плащане",
        "contact": "Лице за контакт",
        "phone": "Телефон",
        "email": "Имейл",
        "department": "Финансов отдел",
        "seat": "Седалище и адрес на управление",
        "registration": "ЕИК",
        "tax": "ИН по ДДС",
    },
    "en": {
        "number": "Invoice no.",
        "issued": "Issue date",
        "due": "Due date",
        "days": "Days overdue",
        "amount": "Open amount",
        "total": "Total",
        "deadline": "Payment deadline",
        "beneficiary": "Beneficiary",
        "bank": "Bank",
        "account": "Account",
        "reference": "Payment reference",
        "contact": "Contact",
        "phone": "Phone",
        "email": "E-mail",
        "department": "Finance Department",
        "seat": "Registered seat",
        "registration": "Registration no.",
        "tax": "Tax no.",
    },
}


@dataclass(frozen=True)
class LetterLine:
    number: str
    issued_on: date
    due_on: date
    days_overdue: int
    open_amount: Decimal
    currency: str


def invoice_table(lines: Sequence[LetterLine], totals: dict[str, Decimal], language: str) -> str:
    """The invoices as an aligned plain-text table with labelled columns and a total per currency."""
    labels = LABELS[language_of(language)]
    header = [labels["number"], labels["issued"], labels["due"], labels["days"], labels["amount"]]
    rows = [
        [
            line.number,
            letter_date(line.issued_on, language),
            letter_date(line.due_on, language),
            str(line.days_overdue),
            amount_text(line.open_amount, line.currency, language),
        ]
        for line in lines
    ]
    several = len(totals) > 1
    total_rows = [
        (
            f"{labels['total']} ({currency}):" if several else f"{labels['total']}:",
            amount_text(totals[currency], currency, language),
        )
        for currency in _currency_order(lines, totals)
    ]
    widths = [max(len(row[col]) for row in [header, *rows]) for col in range(len(header))]
    widths[4] = max([widths[4], *(len(amount) for _, amount in total_rows)])
    right = {3, 4}  # numbers line up on the right

    def layout(cells: Iterable[str]) -> str:
        parts = [
            cell.rjust(widths[col]) if col in right else cell.ljust(widths[col])
            for col, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [layout(header), layout("-" * width for width in widths)]
    out += [layout(row) for row in rows]
    lead = sum(widths[:4]) + 2 * 3  # the width of the first four columns and their gaps
    out.append(" " * (lead + 2) + "-" * widths[4])
    out += [f"{label.rjust(lead)}  {amount.rjust(widths[4])}" for label, amount in total_rows]
    return "\n".join(out)


def _currency_order(lines: Sequence[LetterLine], totals: dict[str, Decimal]) -> list[str]:
    """Currencies in the order the invoices bring them (the oldest debt's first)."""
    order = list(dict.fromkeys(line.currency for line in lines))
    return [currency for currency in order if currency in totals] + sorted(set(totals) - set(order))


def total_text(totals: dict[str, Decimal], language: str, lines: Sequence[LetterLine] = ()) -> str:
    return ", ".join(
        amount_text(totals[currency], currency, language) for currency in _currency_order(lines, totals)
    )


def _labelled(pairs: list[tuple[str, str]]) -> str:
    pairs = [(label, value) for label, value in pairs if value]
    width = max((len(label) for label, _ in pairs), default=0)
    return "\n".join(f"{(label + ':').ljust(width + 1)}  {value}" for label, value in pairs)


def payment_details(company: Company, deadline: date, numbers: Sequence[str], language: str) -> str:
    """How and where to pay: deadline, beneficiary, bank and account, reference, whom to call."""
    labels = LABELS[language_of(language)]
    return _labelled(
        [
            (labels["deadline"], letter_date(deadline, language)),
            (labels["beneficiary"], company.name),
            (labels["bank"], company.bank_name),
            (labels["account"], company.bank_account),
            (labels["reference"], ", ".join(numbers)),
            (labels["contact"], company.payment_contact_name),
            (labels["phone"], company.payment_contact_phone),
            (labels["email"], company.payment_contact_email),
        ]
    )


def signature(company: Company, language: str) -> str:
    """The sender as a company letter names it: name, department, seat, registration and tax numbers."""
    labels = LABELS[language_of(language)]
    lines = [company.name, labels["department"]]
    if company.registered_seat:
        lines.append(f"{labels['seat']}: {company.registered_seat}")
    numbers = [
        f"{labels[key]}: {value}"
        for key, value in (("registration", company.registration_number), ("tax", company.tax_number))
        if value
    ]
    if numbers:
        lines.append(" · ".join(numbers))
    return "\n".join(lines)


# The default texts: (subject, body) per language and level.
DEFAULTS: dict[str, dict[int, tuple[str, str]]] = {
    "hu": {
        1: (
            "Fizetési emlékeztető – {{ company.name }}",
            """Tisztelt Partnerünk!

Nyilvántartásunk szerint az alábbi számlák ellenértéke {{ letter_date }} napjáig nem érkezett meg \
bankszámlánkra:

{{ invoice_table }}

Feltételezzük, hogy a fizetés csupán figyelmetlenségből maradt el. Kérjük, hogy a fennálló \
{{ total_text }} összeget az alábbi határidőig szíveskedjen átutalni, a közleményben a számla \
számának feltüntetésével.

{{ payment_details }}

Amennyiben a számlákat időközben kiegyenlítette, kérjük, tekintse levelünket tárgytalannak. Ha a \
számlákkal kapcsolatban kérdése vagy észrevétele van, kérjük, keressen minket bizalommal.

A további teendők: ha a határidőig nem érkezik meg az összeg, ismételten felszólítjuk a fizetésre.

Üdvözlettel:

{{ signature }}
""",
        ),
        2: (
            "Fizetési felszólítás – lejárt tartozás – {{ company.name }}",
            """Tisztelt Partnerünk!

Korábbi fizetési emlékeztetőnk ellenére az alábbi számlák ellenértéke {{ letter_date }} napjáig sem \
érkezett meg bankszámlánkra:

{{ invoice_table }}

Ezúton felszólítjuk, hogy a lejárt {{ total_text }} tartozását legkésőbb az alábbi fizetési \
határidőig egyenlítse ki. Felhívjuk figyelmét, hogy a késedelmes fizetés miatt a Polgári \
Törvénykönyv szerinti késedelmi kamatot, valamint behajtási költségátalányt számíthatunk fel.

{{ payment_details }}

Ha a fizetés akadályba ütközik, kérjük, haladéktalanul vegye fel velünk a kapcsolatot, \
hogy részletfizetésben vagy új fizetési határidőben állapodhassunk meg. Amennyiben a számlákat \
időközben kiegyenlítette, levelünket tekintse tárgytalannak.

A további teendők: ha tartozását a határidőig nem rendezi, további szállításainkat felfüggeszthetjük, \
és végső fizetési felszólítást küldünk.

Üdvözlettel:

{{ signature }}
""",
        ),
        3: (
            "Végső fizetési felszólítás – {{ company.name }}",
            """Tisztelt Partnerünk!

Ismételt felszólításaink ellenére az alábbi számlák ellenértékét {{ letter_date }} napjáig sem \
egyenlítette ki:

{{ invoice_table }}

Ezúton utoljára szólítjuk fel, hogy a teljes, {{ total_text }} összegű tartozását legkésőbb az \
alábbi fizetési határidőig utalja át bankszámlánkra.

{{ payment_details }}

A további teendők: amennyiben az összeg a határidőig nem érkezik meg, követelésünket további \
értesítés nélkül jogi képviselőnknek, illetve követeléskezelő partnerünknek adjuk át, és fizetési \
meghagyásos eljárást kezdeményezünk. Az eljárás költségei és a késedelmi kamat Önt terhelik.

Amennyiben a számlákat időközben kiegyenlítette, levelünket tekintse tárgytalannak.

Tisztelettel:

{{ signature }}
""",
        ),
    },
    "bg": {
        1: (
            "Напомняне за плащане – {{ company.name }}",
            """Уважаеми партньори,

Според нашите счетоводни данни към {{ letter_date }} следните фактури не са заплатени:

{{ invoice_table }}

Вероятно плащането е пропуснато по невнимание. Молим да преведете дължимата сума от \
{{ total_text }} по банковата ни сметка в срока, посочен по-долу, като в основанието за плащане \
посочите номера на фактурата.

{{ payment_details }}

Ако вече сте извършили плащането, моля, считайте това писмо за неактуално. При въпроси относно \
фактурите, моля, свържете се с нас.

Какво следва: ако плащането не постъпи в срок, ще Ви изпратим повторно напомняне.

С уважение,

{{ signature }}
""",
        ),
        2: (
            "Покана за плащане – просрочени задължения към {{ company.name }}",
            """Уважаеми партньори,

Въпреки изпратеното Ви напомняне, към {{ letter_date }} следните фактури все още не са заплатени:

{{ invoice_table }}

Настояваме да погасите просроченото задължение в размер на {{ total_text }} не по-късно от срока, \
посочен по-долу. Обръщаме внимание, че за времето на забавата дължите законна лихва съгласно \
чл. 86 от Закона за задълженията и договорите.

{{ payment_details }}

Ако имате затруднения с плащането, свържете се незабавно с нас, за да договорим \
погасителен план. Ако вече сте платили, моля, считайте това писмо за неактуално.

Какво следва: ако задължението не бъде погасено в срок, можем да преустановим доставките и ще Ви \
изпратим последна покана за плащане.

С уважение,

{{ signature }}
""",
        ),
        3: (
            "Последна покана за плащане – {{ company.name }}",
            """Уважаеми партньори,

Въпреки многократните ни напомняния, към {{ letter_date }} следните фактури остават неплатени:

{{ invoice_table }}

С настоящото Ви отправяме последна покана да заплатите цялото задължение в размер на \
{{ total_text }} не по-късно от срока, посочен по-долу.

{{ payment_details }}

Какво следва: ако сумата не постъпи в срок, без допълнително уведомление ще предадем вземането на \
нашия юрист или на агенция за събиране на вземания и ще предприемем съдебни действия \
(заповедно производство по чл. 410 от ГПК). Всички разноски и законната лихва за забава ще бъдат \
за Ваша сметка.

Ако вече сте платили, моля, считайте това писмо за неактуално.

С уважение,

{{ signature }}
""",
        ),
    },
    "en": {
        1: (
            "Payment reminder – {{ company.name }}",
            """Dear Sir or Madam,

According to our records, the following invoices were still unpaid on {{ letter_date }}:

{{ invoice_table }}

This may simply have been overlooked. Please transfer the outstanding {{ total_text }} to our bank \
account by the deadline below, quoting the invoice number as the payment reference.

{{ payment_details }}

If you have paid in the meantime, please disregard this letter. If you have any question about these \
invoices, please contact us.

What happens next: if we do not receive the payment by the deadline, we will send you a further \
reminder.

Kind regards,

{{ signature }}
""",
        ),
        2: (
            "Second reminder – overdue invoices – {{ company.name }}",
            """Dear Sir or Madam,

Despite our earlier reminder, the following invoices were still unpaid on {{ letter_date }}:

{{ invoice_table }}

We must now ask you to settle the overdue {{ total_text }} no later than the deadline below. Please \
note that we are entitled to charge statutory late-payment interest and a fixed recovery cost on \
overdue commercial debts.

{{ payment_details }}

If you have difficulty paying, please contact us at once so that we can agree on a payment plan. If \
you have paid in the meantime, please disregard this letter.

What happens next: if the debt is not settled by the deadline, we may suspend further deliveries and \
will send you a final notice.

Kind regards,

{{ signature }}
""",
        ),
        3: (
            "Final notice before legal action – {{ company.name }}",
            """Dear Sir or Madam,

Despite our repeated reminders, the following invoices were still unpaid on {{ letter_date }}:

{{ invoice_table }}

This is our final request to pay the full {{ total_text }} by the deadline below.

{{ payment_details }}

What happens next: if the full amount has not reached our account by the deadline, we will hand the \
debt over to our lawyers or a debt collection agency without further notice and start court \
proceedings for a payment order. All costs of recovery and late-payment interest will be charged to \
you.

If you have paid in the meantime, please disregard this letter.

Yours faithfully,

{{ signature }}
""",
        ),
    },
}


def default_template(level: int, language: str) -> tuple[str, str]:
    """The default (subject, body) of a level in a language; above 3 the final notice."""
    texts = DEFAULTS[language_of(language)]
    return texts[min(max(level, 1), 3)]


@transaction.atomic
def letter_templates_copy_defaults(*, company: Company, actor) -> int:
    """Give `company` its own editable copy of every default letter it does not have yet.

    Existing rows (the company's edits) are never overwritten; returns how many were added.
    `actor` is the admin who asked (the audit trail records the writes as theirs).
    """
    existing = set(LetterTemplate.objects.filter(company=company).values_list("level", "language"))
    added = [
        LetterTemplate(company=company, level=level, language=language, subject=subject, body=body)
        for language in LANGUAGES
        for level in LEVELS
        if (level, language) not in existing
        for subject, body in [default_template(level, language)]
    ]
    for row in added:
        row.save()  # one by one, so the audit trail sees each
    return len(added)
