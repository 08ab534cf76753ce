"""What dunning letters say: amounts and dates in the letter's language, labelled columns, the total,
where and by when to pay, what happens next; the escalation reads as one; company texts win."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from contacts.models import ContactType
from contacts.services import contact_create
from receivables.dunning import LetterRenderer, PlannedLetter, dunning_run, plan_letters
from receivables.models import DunningLetter, Invoice, LetterTemplate
from tests.factories import CompanyFactory, PartnerAccountFactory, PartnerFactory, UserFactory, member

NBSP = "\N{NO-BREAK SPACE}"
BUDAPEST = ZoneInfo("Europe/Budapest")
# Tuesday; Friday 2026-10-23 is a Hungarian public holiday.
LETTER_DAY = date(2026, 10, 20)

HU_DETAILS = {
    "registered_seat": "1138 Budapest, Váci út 141.",
    "registration_number": "01-09-123456",
    "tax_number": "11234566-2-41",
    "bank_name": "OTP Bank Nyrt.",
    "bank_account": "11773016-01234567-00000008",
    "payment_contact_name": "Varga Gábor",
    "payment_contact_phone": "+36 1 234 5678",
    "payment_contact_email": "penzugy@alfa.example",
}


def plain(text: str) -> str:
    """The text with no-break spaces (which keep amounts on one line) shown as spaces."""
    return text.replace(NBSP, " ")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class LetterTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")

    def company_with_debt(self, *, country, language, currency, amounts, contact_language="", **details):
        company = CompanyFactory(country=country, language=language, currency=currency, **details)
        partner = PartnerFactory(name=f"Adós {country} Kft.")
        contact_create(
            partner=partner, company=None, types=[self.financial], last_name="Pénzügy",
            email=f"ap-{country.lower()}@debtor.example", preferred_language=contact_language,
        )  # fmt: skip
        for index, (amount, days_late) in enumerate(amounts, start=1):
            due = LETTER_DAY - timedelta(days=days_late)
            Invoice.objects.create(
                company=company, partner=partner, number=f"SZ-2026-{index:04d}", issued_on=due - timedelta(days=30),
                due_on=due, amount=Decimal(amount), open_amount=Decimal(amount), currency=currency,
            )  # fmt: skip
        return company

    def send_letters(self, company) -> DunningLetter:
        moment = datetime(2026, 10, 20, 7, tzinfo=BUDAPEST)
        with time_machine.travel(moment, tick=False), self.captureOnCommitCallbacks(execute=True):
            dunning_run(company, LETTER_DAY)
        return DunningLetter.objects.get(company=company)

    def test_a_hungarian_letter_reads_like_finance_wrote_it(self):
        company = self.company_with_debt(
            country="HU",
            language="hu",
            currency="HUF",
            amounts=[(1_000_000, 20), (250_000, 12)],
            **HU_DETAILS,
        )
        letter = self.send_letters(company)
        body = plain(mail.outbox[0].body)
        self.assertEqual(mail.outbox[0].subject, f"Fizetési emlékeztető – {company.name}")
        self.assertTrue(body.startswith("Tisztelt Partnerünk!"))
        header = next(line for line in body.splitlines() if line.startswith("Számlaszám"))
        for label in ("Számla kelte", "Esedékesség", "Késés (nap)", "Fennálló összeg"):
            self.assertIn(label, header)
        self.assertIn("SZ-2026-0001  2026.08.31.   2026.09.30.           20     1 000 000 Ft", body)
        self.assertIn("Összesen:     1 250 000 Ft", body)
        # 8 working days after Tuesday 20 October: the 23rd (a holiday) and the weekends do not count.
        self.assertIn("Fizetési határidő:  2026.11.02.", body)  # dates as Hungarian documents write them
        self.assertIn("Bankszámlaszám:     11773016-01234567-00000008", body)
        self.assertIn("Bank:               OTP Bank Nyrt.", body)
        self.assertIn("Közlemény:          SZ-2026-0001, SZ-2026-0002", body)
        self.assertIn("Kapcsolattartó:     Varga Gábor", body)
        self.assertIn("+36 1 234 5678", body)
        self.assertIn("ismételten felszólítjuk", body)  # what happens next
        self.assertIn("Cégjegyzékszám: 01-09-123456 · Adószám: 11234566-2-41", body)
        self.assertEqual(letter.body, mail.outbox[0].body)

    def test_the_columns_line_up(self):
        company = self.company_with_debt(
            country="HU", language="hu", currency="HUF", amounts=[(1_000_000, 20), (5_000, 12)], **HU_DETAILS
        )
        self.send_letters(company)
        lines = mail.outbox[0].body.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Számlaszám"))
        table = lines[start : start + 6]  # header, rule, two invoices, rule, total
        self.assertEqual(len({len(line) for line in table}), 1, "\n".join(table))
        self.assertTrue(all(line.endswith("Ft") for line in table[2:4] + table[5:6]))

    def test_a_bulgarian_letter(self):
        company = self.company_with_debt(
            country="BG", language="bg", currency="BGN", amounts=[(1_250_000, 20)],
            bank_name="УниКредит Булбанк АД", bank_account="BG80BNBG96611020345678",
            payment_contact_name="Мария Иванова", payment_contact_phone="+359 2 987 6543",
        )  # fmt: skip
        self.send_letters(company)
        message = mail.outbox[0]
        body = plain(message.body)
        self.assertEqual(message.subject, f"Напомняне за плащане – {company.name}")
        self.assertTrue(body.startswith("Уважаеми партньори,"))
        for label in ("Фактура №", "Дата на издаване", "Падеж", "Дни просрочие", "Неплатена сума"):
            self.assertIn(label, body)
        self.assertIn("1 250 000,00 лв.", body)
        self.assertIn("Общо:  1 250 000,00 лв.", body)
        self.assertIn("IBAN:", body)
        self.assertIn("BG80BNBG96611020345678", body)
        self.assertIn("Мария Иванова", body)
        self.assertIn("30.09.2026", body)  # the due date as Bulgarian documents write it

    def test_an_english_letter_for_a_contact_who_reads_english(self):
        company = self.company_with_debt(
            country="HU", language="hu", currency="HUF", amounts=[(1_250_000, 20)], contact_language="en",
            **HU_DETAILS,
        )  # fmt: skip
        self.send_letters(company)
        body = plain(mail.outbox[0].body)
        for label in ("Invoice no.", "Issue date", "Due date", "Days overdue", "Open amount", "Total:"):
            self.assertIn(label, body)
        self.assertIn("1,250,000 Ft", body)
        self.assertIn("Account:            11773016-01234567-00000008", body)
        self.assertIn("Payment deadline:   02/11/2026", body)
        self.assertIn("What happens next", body)

    def planned(self, company, level: int, language: str) -> PlannedLetter:
        plan = plan_letters(company, LETTER_DAY)
        letter = plan.letters[0]
        letter.level, letter.language = level, language
        return letter

    def test_the_second_letter_is_an_escalation_not_the_first_with_another_subject(self):
        company = self.company_with_debt(
            country="HU", language="hu", currency="HUF", amounts=[(1_250_000, 20)], **HU_DETAILS
        )
        renderer = LetterRenderer(company)
        for language, escalation, friendly in (
            ("hu", "Korábbi fizetési emlékeztetőnk ellenére", "figyelmetlenségből"),
            ("bg", "Въпреки изпратеното Ви напомняне", "по невнимание"),
            ("en", "Despite our earlier reminder", "simply have been overlooked"),
        ):
            with self.subTest(language=language):
                subject1, body1 = renderer.render(self.planned(company, 1, language), LETTER_DAY)
                subject2, body2 = renderer.render(self.planned(company, 2, language), LETTER_DAY)
                self.assertNotEqual(subject1, subject2)
                self.assertIn(escalation, body2)
                self.assertNotIn(friendly, body2)
                self.assertIn(friendly, body1)
        _subject, final_hu = renderer.render(self.planned(company, 3, "hu"), LETTER_DAY)
        self.assertIn("fizetési meghagyásos eljárást", final_hu)
        _subject, final_en = renderer.render(self.planned(company, 3, "en"), LETTER_DAY)
        self.assertIn("debt collection agency", final_en)

    def test_a_company_template_overrides_the_default_and_only_for_its_company(self):
        company = self.company_with_debt(
            country="HU", language="hu", currency="HUF", amounts=[(1_250_000, 20)], **HU_DETAILS
        )
        LetterTemplate.objects.create(
            company=company, level=1, language="hu", subject="Egyenlegközlő – {{ partner.name }}",
            body="Kedves Partnerünk!\n\n{{ invoice_table }}\n\nHatáridő: {{ deadline }}\n{{ signature }}",
        )  # fmt: skip
        other = self.company_with_debt(
            country="HU", language="hu", currency="HUF", amounts=[(90_000, 20)], **HU_DETAILS
        )
        _subject, second = LetterRenderer(company).render(self.planned(company, 2, "hu"), LETTER_DAY)
        self.send_letters(company)
        self.send_letters(other)
        mine, theirs = mail.outbox
        self.assertEqual(mine.subject, "Egyenlegközlő – Adós HU Kft.")
        self.assertTrue(mine.body.startswith("Kedves Partnerünk!"))
        self.assertIn("Határidő: 2026.11.02.", mine.body)
        self.assertIn("Összesen:", mine.body)
        self.assertTrue(theirs.body.startswith("Tisztelt Partnerünk!"))
        self.assertIn("Korábbi fizetési emlékeztetőnk ellenére", second)  # other levels keep the default

    def test_a_template_that_does_not_compile_is_refused_next_to_its_field(self):
        template = LetterTemplate(level=1, language="hu", subject="Fizetés", body="{% for x in %}")
        with self.assertRaises(ValidationError) as raised:
            template.full_clean()
        self.assertIn("body", raised.exception.message_dict)

    def test_the_preview_shows_the_text_the_run_will_send(self):
        company = self.company_with_debt(
            country="HU", language="hu", currency="HUF", amounts=[(1_250_000, 20)], **HU_DETAILS
        )
        finance = member(company, "receivables.view_receivables", "receivables.run_dunning")
        PartnerAccountFactory(company=company, partner=Invoice.objects.first().partner, owner=finance)
        self.client.force_login(finance)
        with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=BUDAPEST), tick=False):
            page = self.client.get("/receivables/preview/")
            self.send_letters(company)
        self.assertContains(page, "Fizetési emlékeztető")
        self.assertContains(page, "Bankszámlaszám:     11773016-01234567-00000008")
        self.assertContains(page, mail.outbox[0].body.splitlines()[4])  # the table's first row, as sent

    def test_the_letter_page_shows_the_invoices_with_their_dates_and_the_total(self):
        company = self.company_with_debt(
            country="HU",
            language="hu",
            currency="HUF",
            amounts=[(1_000_000, 20), (250_000, 12)],
            **HU_DETAILS,
        )
        letter = self.send_letters(company)
        finance = member(company, "receivables.view_receivables", "companies.view_all_company_data")
        self.client.force_login(finance)
        page = self.client.get(f"/receivables/letters/{letter.pk}/")
        for text in ("Issue date", "Due date", "Days overdue", "Open amount", "Total"):
            self.assertContains(page, text)
        self.assertContains(page, "1,250,000\N{NO-BREAK SPACE}Ft")  # the total, in the reader's language
        self.assertContains(page, "Bankszámlaszám:     11773016-01234567-00000008")  # the text as sent


class LetterTemplateAdminTests(TestCase):
    def setUp(self):
        self.company = CompanyFactory(language="hu")
        self.admin = UserFactory(is_staff=True, is_superuser=True)
        member(self.company, user=self.admin)
        self.client.force_login(self.admin)

    def test_the_admin_copies_the_default_texts_to_edit_and_keeps_the_companys_own(self):
        LetterTemplate.objects.create(
            company=self.company, level=1, language="hu", subject="Saját", body="Saját"
        )
        page = self.client.get("/admin/receivables/lettertemplate/")
        self.assertContains(page, "/admin/receivables/lettertemplate/copy-defaults/")
        response = self.client.post(
            "/admin/receivables/lettertemplate/copy-defaults/", {"company": self.company.pk}, follow=True
        )
        self.assertContains(response, "8 default letters copied")
        rows = LetterTemplate.objects.filter(company=self.company)
        self.assertEqual(rows.count(), 9)
        self.assertEqual(rows.get(level=1, language="hu").body, "Saját")
        self.assertIn("Korábbi fizetési emlékeztetőnk ellenére", rows.get(level=2, language="hu").body)
        self.assertIn("Последна покана", rows.get(level=3, language="bg").subject)

    def test_a_new_template_starts_from_the_default_text(self):
        page = self.client.get("/admin/receivables/lettertemplate/add/?level=2&language=bg")
        self.assertContains(page, "Въпреки изпратеното Ви напомняне")

    def test_the_policy_list_says_what_the_letters_of_a_company_lack(self):
        from receivables.dunning import policy_for

        policy_for(self.company)
        complete = CompanyFactory(**HU_DETAILS)
        policy_for(complete)
        page = self.client.get("/admin/receivables/dunningpolicy/")
        self.assertContains(page, "Missing: bank account, bank, payment contact, payment contact phone")
        self.assertContains(page, "Complete")


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class FirstLetterTests(TestCase):
    def test_a_partners_first_letter_is_a_reminder_even_when_the_debt_is_old(self):
        """A first run (or a late one) on a debt months overdue sends the friendly letter first."""
        company = CompanyFactory(country="HU", language="en")
        partner = PartnerFactory(name="Old Debt Kft.")
        financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
        contact_create(
            partner=partner, company=None, types=[financial], last_name="AP", email="ap@old.example"
        )
        Invoice.objects.create(
            company=company, partner=partner, number="OLD-1", issued_on=date(2026, 6, 1), due_on=date(2026, 7, 1),
            amount=Decimal(500_000), open_amount=Decimal(500_000),
        )  # fmt: skip
        with (
            time_machine.travel(datetime(2026, 10, 20, 7, tzinfo=BUDAPEST), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            dunning_run(company, LETTER_DAY)
        letter = DunningLetter.objects.get()
        self.assertEqual((letter.level, letter.sequence_started_on), (1, LETTER_DAY))
        self.assertIn("This may simply have been overlooked", mail.outbox[0].body)
