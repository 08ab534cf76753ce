"""Import contacts from a CSV file: partner_tax_number or partner_name, first_name, last_name, position,
email, phone, mobile, preferred_language, types (comma-separated type codes).

Every row goes through the same service as the form, so new e-mail addresses get their GDPR notice.
A bad row is reported and skipped; the others are imported.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from companies.models import Company
from contacts.models import ContactType
from contacts.services import ContactRuleError, contact_create
from partners.models import Partner

FIELDS = ["first_name", "last_name", "position", "email", "phone", "mobile", "preferred_language"]


class Command(BaseCommand):
    help = "Import contacts from a CSV file (UTF-8, header row) into the partner master."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--company", required=True, help="code of the company recording the contacts")

    def handle(self, *args, path: str, company: str, **options) -> None:
        try:
            recording = Company.objects.get(code=company)
        except Company.DoesNotExist:
            raise CommandError(f"No company with code {company!r}.") from None
        types = {contact_type.code: contact_type for contact_type in ContactType.objects.all()}
        created = skipped = 0
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                problem = self._import_row(row, recording, types)
                if problem:
                    skipped += 1
                    self.stderr.write(f"line {line}: {problem}")
                else:
                    created += 1
        self.stdout.write(f"Contacts imported: {created}, skipped: {skipped}.")

    def _import_row(self, row: dict, company: Company, types: dict) -> str | None:
        tax_number = (row.get("partner_tax_number") or "").strip()
        name = (row.get("partner_name") or "").strip()
        partner = (
            Partner.objects.filter(tax_number=tax_number).first()
            if tax_number
            else Partner.objects.filter(name=name).first()
        )
        if partner is None:
            return f"no partner {tax_number or name!r}"
        if not (row.get("last_name") or "").strip():
            return "last_name is empty"
        codes = [code.strip() for code in (row.get("types") or "").split(",") if code.strip()]
        unknown = [code for code in codes if code not in types]
        if unknown:
            return f"unknown contact type(s): {', '.join(unknown)}"
        try:
            contact_create(
                partner=partner,
                company=company,
                types=[types[code] for code in codes],
                **{field: (row.get(field) or "").strip() for field in FIELDS},
            )
        except ContactRuleError as error:
            return str(error)
        return None
