"""What an imported row means: its fields, their validation (as the forms validate), how it matches an
existing record, and how it is written (through the partners' and contacts' services).

`PartnerRows` and `ContactRows` share one shape:
1. `validate(values)` -> (cleaned values of the mapped fields, errors per field), no write;
2. `existing(cleaned)` -> the record the row matches, or None;
3. `apply(cleaned, existing, matching)` -> "created" / "updated" / "skipped", or `RowError`.
Lookups are cached per run, so a file of thousands of rows asks about each partner once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import Company, User
from companies.visibility import Viewer
from contacts.models import Contact, ContactRole, ContactType, GdprNotice
from contacts.services import ContactRuleError, contact_create, contact_update, email_hash
from erp_sync.bulk import insert_rows
from imports.countries import COUNTRY_CODES
from imports.models import ImportKind, Matching
from imports.reading import Formula
from ops.jobs import enqueue_by_name
from partners.models import AccountStatus, AddressKind, Partner, PartnerAccount, PartnerAddress
from partners.services import partner_adopt, partner_create, partner_update
from partners.validators import normalize_tax_number, validate_tax_number

CREATED, UPDATED, SKIPPED, FAILED = "created", "updated", "skipped", "failed"
AUDIT_JOB = "imports.tasks.run_import"
NOTICES_FAN_OUT_TASK = "erp_sync.tasks.send_gdpr_notices"
# A contact's preferred language as people write it in a sheet: code or name (en, hu, bg).
LANGUAGES = {
    "": "", "en": "en", "english": "en", "angol": "en", "английски": "en",
    "hu": "hu", "hungarian": "hu", "magyar": "hu", "унгарски": "hu",
    "bg": "bg", "bulgarian": "bg", "bolgár": "bg", "български": "bg",
}  # fmt: skip


class RowError(Exception):
    """The row cannot be written; the message says why, for the result page."""


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise
    # Header spellings (lower case, en/hu/bg) that map to the field without asking.
    synonyms: tuple[str, ...] = ()
    required: bool = False


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;|]", value) if part.strip()]


class _Rows:
    kind: str
    fields: tuple[Field, ...]

    def __init__(self, *, company: Company, actor: User, viewer: Viewer):
        self.company = company
        self.actor = actor
        self.viewer = viewer

    # --- mapping ------------------------------------------------------------------------------------
    @classmethod
    def field_names(cls) -> list[str]:
        return [field.name for field in cls.fields]

    @classmethod
    def guess(cls, header: str) -> str:
        key = re.sub(r"[\s_\-.:]+", " ", header.strip().lower()).strip()
        for field in cls.fields:
            if key in {field.name.replace("_", " "), str(field.label).lower(), *field.synonyms}:
                return field.name
        return ""

    @classmethod
    def mapping_errors(cls, mapping: dict[str, str]) -> list[str]:
        mapped = [field for field in mapping.values() if field]
        errors = []
        for field in cls.fields:
            if field.required and field.name not in mapped:
                errors.append(_("Choose the column that holds “%(field)s”.") % {"field": field.label})
        twice = sorted({name for name in mapped if mapped.count(name) > 1})
        labels = {field.name: field.label for field in cls.fields}
        for name in twice:
            errors.append(_("“%(field)s” is chosen for more than one column.") % {"field": labels[name]})
        return errors

    # --- validation ---------------------------------------------------------------------------------
    def validate(self, values: dict[str, str]) -> tuple[dict, dict[str, str]]:
        cleaned: dict = {}
        errors: dict[str, str] = {}
        for field in self.fields:
            if field.name not in values:
                continue
            value = values[field.name]
            if isinstance(value, Formula):
                errors[field.name] = _("A formula (%(formula)s) is not imported: type the value itself.") % {
                    "formula": value[:40]
                }
                continue
            if field.required and not value:
                errors[field.name] = _("This field is required.")
                continue
            try:
                cleaned[field.name] = self.clean_field(field.name, value)
            except ValidationError as error:
                errors[field.name] = " ".join(error.messages)
        if not errors:
            try:
                self.clean_row(cleaned)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors[name] = " ".join(messages)
        return cleaned, errors

    def clean_field(self, name: str, value: str):
        cleaner = getattr(self, f"clean_{name}", None)
        if cleaner is not None:
            return cleaner(value)
        return self.form_field(name).clean(value)

    def clean_row(self, cleaned: dict) -> None:
        """Checks across fields and against the database; raise ValidationError({field: message})."""

    def form_field(self, name: str) -> forms.Field:
        raise NotImplementedError

    # --- running ------------------------------------------------------------------------------------
    def reason(self, errors: dict[str, str]) -> str:
        labels = {field.name: str(field.label) for field in self.fields}
        return " ".join(f"{labels.get(name, name)}: {message}" for name, message in errors.items())

    def import_chunk(self, values_list: list[dict[str, str]], matching: str) -> list[tuple[str, str]]:
        """(outcome, reason) per row, in order. Rows that create a new record and collide with nothing
        are written together (`create_many`, set-based); every other row (updates, skips, duplicates,
        one-per-partner conflicts, and all rows of a set the database refuses) goes through the
        services one by one, each in its own savepoint, so one bad row never stops the others."""
        results: list[tuple[str, str]] = [("", "")] * len(values_list)  # "": an empty line, not counted
        self.prime(values_list)
        validated = []
        for index, values in enumerate(values_list):
            if not any(values.values()):
                continue
            cleaned, errors = self.validate(values)
            if errors:
                results[index] = (FAILED, self.reason(errors))
            else:
                validated.append((index, cleaned))
        fresh, rest, unchanged = self.split_new(validated, matching)
        for index in unchanged:
            results[index] = (SKIPPED, "")
        if fresh:
            try:
                with transaction.atomic():
                    self.create_many([cleaned for _index, cleaned in fresh])
            except DatabaseError:
                rest = sorted(fresh + rest, key=lambda item: item[0])
            else:
                for index, _cleaned in fresh:
                    results[index] = (CREATED, "")
        for index, cleaned in rest:
            results[index] = self.apply_one(cleaned, matching)
        return results

    def apply_one(self, cleaned: dict, matching: str) -> tuple[str, str]:
        try:
            with transaction.atomic():
                return self.apply(cleaned, self.existing(cleaned), matching), ""
        except RowError as error:
            return FAILED, str(error)
        except ValidationError as error:
            return FAILED, " ".join(error.messages)
        except DatabaseError as error:  # a constraint the validation did not foresee: this row only
            return FAILED, _("The database refused the row: %(error)s") % {
                "error": str(error).splitlines()[0][:200]
            }

    def prime(self, values_list: list[dict[str, str]]) -> None:
        """Load what the chunk's rows will look up, in a few queries (caches of the subclass)."""

    def split_new(self, validated: list[tuple[int, dict]], matching: str) -> tuple[list, list, list]:
        """(rows to create together, the other rows, indexes of rows that match a record they would
        not change: skipped without a write); by default every row goes one by one."""
        return [], validated, []

    def create_many(self, cleaned_list: list[dict]) -> None:
        raise NotImplementedError

    def audit_created(self, model, entries: list[tuple[int, str, dict]], company_id: int | None) -> None:
        """One "created" audit entry per record written in bulk, as the audit trail writes for a
        record saved alone: the importing user as actor, the company and the job in its data."""
        from auditlog.models import LogEntry
        from psycopg.types.json import Jsonb

        content_type = ContentType.objects.get_for_model(model)
        now = timezone.now()
        insert_rows(
            LogEntry,
            [
                {
                    "content_type_id": content_type.pk, "object_pk": str(pk), "object_id": pk,
                    "object_repr": text[:1000], "action": LogEntry.Action.CREATE,
                    "changes": Jsonb({name: ["None", str(value)] for name, value in changes.items()}),
                    "actor_id": self.actor.pk, "actor_email": self.actor.email or None, "timestamp": now,
                    "additional_data": Jsonb({"company_id": company_id, "job": AUDIT_JOB}),
                }
                for pk, text, changes in entries
            ],
            ids=False,
        )  # fmt: skip


# --- partners ---------------------------------------------------------------------------------------


class PartnerRows(_Rows):
    kind = ImportKind.PARTNERS
    fields = (
        Field("name", gettext_lazy("Name"), ("partner", "company", "company name", "név", "cégnév", "име", "фирма"), True),
        Field("short_name", gettext_lazy("Short name"), ("rövid név", "кратко име")),
        Field("tax_number", gettext_lazy("Tax number"), ("vat", "vat number", "adószám", "eik", "bulstat", "еик", "булстат", "данъчен номер", "ддс номер")),
        Field("registration_number", gettext_lazy("Company registration number"), ("registration number", "cégjegyzékszám")),
        Field("phone", gettext_lazy("Phone"), ("telephone", "telefon", "телефон")),
        Field("email", gettext_lazy("E-mail"), ("email", "e mail", "mail", "имейл")),
        Field("website", gettext_lazy("Website"), ("web", "url", "honlap", "weboldal", "уебсайт")),
        Field("main_activity", gettext_lazy("Main activity"), ("activity", "fő tevékenység", "дейност")),
        Field("notes", gettext_lazy("Notes"), ("note", "megjegyzés", "бележки")),
        Field("seat_country", gettext_lazy("Seat: country"), ("country", "ország", "държава")),
        Field("seat_postal_code", gettext_lazy("Seat: postal code"), ("postal code", "zip", "postcode", "irányítószám", "пощенски код")),
        Field("seat_city", gettext_lazy("Seat: city"), ("city", "town", "település", "város", "град")),
        Field("seat_street", gettext_lazy("Seat: street address"), ("street", "address", "utca", "cím", "адрес", "улица")),
    )  # fmt: skip
    MASTER = ("name", "short_name", "tax_number", "registration_number", "phone", "email", "website", "main_activity", "notes")  # fmt: skip
    SEAT = ("country", "postal_code", "city", "street")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._by_tax_number: dict[str, Partner | None] = {}

    def form_field(self, name: str) -> forms.Field:
        if name == "website":  # as PartnerForm: a typed "example.hu" means https://example.hu
            return forms.URLField(max_length=200, required=False, assume_scheme="https")
        if name.startswith("seat_"):
            return forms.CharField(
                max_length={"postal_code": 16, "city": 100, "street": 255}[name[5:]], required=False
            )
        return Partner._meta.get_field(name).formfield(required=name == "name")

    def clean_tax_number(self, value: str) -> str:
        return validate_tax_number(value)

    def clean_seat_country(self, value: str) -> str:
        code = value.strip().upper()
        if code and code not in COUNTRY_CODES:
            raise ValidationError(
                _("%(value)s is not a country code: use the two letters of ISO 3166, for example HU or BG.")
                % {"value": value[:20]}
            )
        return code

    def existing(self, cleaned: dict) -> Partner | None:
        """The partner with the row's tax number (the shared master); without one, a partner of the same
        name the company already works with (so a re-run of a file without tax numbers matches too)."""
        tax_number = cleaned.get("tax_number")
        if tax_number:
            if tax_number not in self._by_tax_number:
                self._by_tax_number[tax_number] = Partner.objects.filter(
                    tax_number=normalize_tax_number(tax_number)
                ).first()
            return self._by_tax_number[tax_number]
        account = (
            PartnerAccount.objects.visible_to(self.viewer)
            .filter(partner__name__iexact=cleaned["name"], partner__tax_number="")
            .select_related("partner")
            .order_by("pk")
            .first()
        )
        return account.partner if account else None

    def apply(self, cleaned: dict, existing: Partner | None, matching: str) -> str:
        master = {name: cleaned[name] for name in self.MASTER if cleaned.get(name)}
        seat = {name: cleaned[f"seat_{name}"] for name in self.SEAT if cleaned.get(f"seat_{name}")}
        if seat.get("city"):
            seat.setdefault("country", self.company.country or "HU")
        if existing is None:
            account = partner_create(company=self.company, owner=self.actor, master=master, seat=seat)
            if master.get("tax_number"):
                self._by_tax_number[master["tax_number"]] = account.partner
            return CREATED
        if matching == Matching.CREATE:
            raise RowError(
                _("A partner with this tax number or name already exists: %(name)s.")
                % {"name": existing.name}
            )
        account = PartnerAccount.objects.filter(company=self.company, partner=existing).first()
        if (
            account is not None
            and not PartnerAccount.objects.visible_to(self.viewer).filter(pk=account.pk).exists()
        ):
            raise RowError(
                _("This partner is already looked after by a colleague whose partners you do not see.")
            )
        if account is None:
            partner_adopt(company=self.company, partner=existing, owner=self.actor)
        if matching == Matching.SKIP:
            return SKIPPED
        if existing.is_erp_managed:
            raise RowError(
                _("%(name)s is managed by the ERP: its master data is changed there.")
                % {"name": existing.name}
            )
        changed = {name: value for name, value in master.items() if getattr(existing, name) != value}
        current_seat = existing.addresses.filter(kind=AddressKind.SEAT).first()
        seat_changed = seat.get("city") and (
            current_seat is None or any(getattr(current_seat, name) != value for name, value in seat.items())
        )
        if not changed and not seat_changed and account is not None:
            return SKIPPED  # nothing new: a re-run of the same file changes nothing
        partner_update(partner=existing, master=changed, seat=seat if seat_changed else {})
        return UPDATED

    def prime(self, values_list: list[dict[str, str]]) -> None:
        wanted = set()
        for values in values_list:
            try:
                tax_number = validate_tax_number(values.get("tax_number") or "")
            except ValidationError:
                continue
            if tax_number and tax_number not in self._by_tax_number:
                wanted.add(tax_number)
        if wanted:
            found = {partner.tax_number: partner for partner in Partner.objects.filter(tax_number__in=wanted)}
            self._by_tax_number.update({tax_number: found.get(tax_number) for tax_number in wanted})

    def split_new(self, validated: list[tuple[int, dict]], matching: str) -> tuple[list, list, list]:
        fresh, rest, unchanged, seen = [], [], [], set()
        matched = {p.pk: p for _i, c in validated if (p := self.existing(c) if c.get("tax_number") else None)}
        visible = set(
            PartnerAccount.objects.visible_to(self.viewer)
            .filter(partner_id__in=list(matched))
            .values_list("partner_id", flat=True)
        )
        seats = {
            address.partner_id: address
            for address in PartnerAddress.objects.filter(partner_id__in=list(visible), kind=AddressKind.SEAT)
        }
        for index, cleaned in validated:
            tax_number = cleaned.get("tax_number")
            partner = self.existing(cleaned) if tax_number else None
            # Without a tax number the match is by name (one query per row): the slow path.
            if tax_number and tax_number not in seen and partner is None:
                seen.add(tax_number)
                fresh.append((index, cleaned))
            elif (
                partner is not None
                and tax_number not in seen
                and partner.pk in visible
                and matching != Matching.CREATE
                and (matching == Matching.SKIP or not self._changes(partner, seats.get(partner.pk), cleaned))
            ):
                unchanged.append(index)  # a re-run of the same row: nothing to write
            else:
                rest.append((index, cleaned))
        return fresh, rest, unchanged

    def _changes(self, partner: Partner, seat, cleaned: dict) -> bool:
        if any(cleaned.get(name) and getattr(partner, name) != cleaned[name] for name in self.MASTER):
            return True
        if not cleaned.get("seat_city"):
            return False
        return seat is None or any(
            cleaned.get(f"seat_{name}") and getattr(seat, name) != cleaned[f"seat_{name}"]
            for name in self.SEAT
        )

    def create_many(self, cleaned_list: list[dict]) -> None:
        """What partner_create writes for each row (partner, seat address, the company's account with
        the importing user as owner), for all rows in a few statements."""
        masters = [
            {name: cleaned[name] for name in self.MASTER if cleaned.get(name)} for cleaned in cleaned_list
        ]
        partner_ids = insert_rows(Partner, masters)
        seats = []
        for partner_id, cleaned in zip(partner_ids, cleaned_list, strict=True):
            seat = {name: cleaned[f"seat_{name}"] for name in self.SEAT if cleaned.get(f"seat_{name}")}
            if seat.get("city"):
                seats.append(
                    {
                        "partner_id": partner_id,
                        "kind": AddressKind.SEAT,
                        "country": self.company.country or "HU",
                        **seat,
                    }
                )
        insert_rows(PartnerAddress, seats, ids=False)
        account = {"company_id": self.company.pk, "owner_id": self.actor.pk, "status": AccountStatus.PROSPECT}
        account_ids = insert_rows(PartnerAccount, [{**account, "partner_id": pk} for pk in partner_ids])
        self.audit_created(
            Partner,
            [(pk, master["name"], master) for pk, master in zip(partner_ids, masters, strict=True)],
            None,
        )
        self.audit_created(
            PartnerAccount,
            [
                (pk, master["name"], {"owner": self.actor.pk, "status": AccountStatus.PROSPECT})
                for pk, master in zip(account_ids, masters, strict=True)
            ],
            self.company.pk,
        )
        for partner_id, master in zip(partner_ids, masters, strict=True):
            self._by_tax_number[master["tax_number"]] = Partner(pk=partner_id, **master)


# --- contacts ---------------------------------------------------------------------------------------


class ContactRows(_Rows):
    kind = ImportKind.CONTACTS
    fields = (
        Field("partner_tax_number", gettext_lazy("Partner's tax number"), ("tax number", "adószám", "partner adószám", "eik", "булстат", "данъчен номер"), False),
        Field("partner_name", gettext_lazy("Partner's name"), ("partner", "company", "cég", "cégnév", "фирма", "партньор"), False),
        Field("last_name", gettext_lazy("Last name"), ("surname", "family name", "vezetéknév", "фамилия"), True),
        Field("first_name", gettext_lazy("First name"), ("given name", "keresztnév", "utónév", "име"), False),
        Field("position", gettext_lazy("Position"), ("title", "job title", "beosztás", "pozíció", "длъжност")),
        Field("email", gettext_lazy("E-mail"), ("email", "e mail", "mail", "имейл")),
        Field("email_other", gettext_lazy("Other e-mail"), ("other email", "email 2", "másik e-mail")),
        Field("phone", gettext_lazy("Phone"), ("telephone", "telefon", "телефон")),
        Field("mobile", gettext_lazy("Mobile"), ("mobile phone", "cell", "mobil", "мобилен")),
        Field("preferred_language", gettext_lazy("Preferred language"), ("language", "nyelv", "език")),
        Field("types", gettext_lazy("Contact types"), ("type", "types", "role", "roles", "típus", "szerep", "тип", "роля")),
        Field("notes", gettext_lazy("Notes"), ("note", "megjegyzés", "бележки")),
    )  # fmt: skip
    CONTACT_FIELDS = ("first_name", "last_name", "position", "email", "email_other", "phone", "mobile", "preferred_language", "notes")  # fmt: skip

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._partners: dict[tuple[str, str], Partner | str] = {}
        self._types: dict[str, ContactType] | None = None

    @classmethod
    def mapping_errors(cls, mapping: dict[str, str]) -> list[str]:
        errors = super().mapping_errors(mapping)
        if not {"partner_tax_number", "partner_name"} & set(mapping.values()):
            errors.insert(0, _("Choose the column that names the partner: its tax number or its name."))
        return errors

    def form_field(self, name: str) -> forms.Field:
        return Contact._meta.get_field(name).formfield(required=name == "last_name")

    def clean_partner_tax_number(self, value: str) -> str:
        return validate_tax_number(value)

    def clean_partner_name(self, value: str) -> str:
        return forms.CharField(max_length=255, required=False).clean(value)

    def clean_preferred_language(self, value: str) -> str:
        key = value.strip().casefold()
        if key in LANGUAGES:
            return LANGUAGES[key]
        raise ValidationError(_("Unknown language %(value)s: use en, hu or bg.") % {"value": value[:20]})

    def _type_index(self) -> dict[str, ContactType]:
        if self._types is None:
            self._types = {}
            for contact_type in ContactType.objects.all():
                for key in (
                    contact_type.code,
                    contact_type.name_en,
                    contact_type.name_hu,
                    contact_type.name_bg,
                ):
                    if key:
                        self._types.setdefault(key.strip().casefold(), contact_type)
        return self._types

    def clean_types(self, value: str) -> list[ContactType]:
        index = self._type_index()
        found, unknown = [], []
        for part in _split(value):
            contact_type = index.get(part.casefold())
            if contact_type is None:
                unknown.append(part)
            elif contact_type not in found:
                found.append(contact_type)
        if unknown:
            raise ValidationError(
                _("Unknown contact type: %(types)s. Known types: %(known)s.")
                % {"types": ", ".join(unknown), "known": ", ".join(sorted({t.name for t in index.values()}))}
            )
        return found

    def _partner(self, tax_number: str, name: str) -> Partner | str:
        """The partner the row names, among the partners the importing user sees, or why not."""
        key = (tax_number, "" if tax_number else name.casefold())
        if key not in self._partners:
            accounts = PartnerAccount.objects.visible_to(self.viewer).select_related("partner")
            if tax_number:
                found = list(accounts.filter(partner__tax_number=normalize_tax_number(tax_number))[:2])
            else:
                found = list(accounts.filter(partner__name__iexact=name.strip())[:2])
            if not found:
                result: Partner | str = _("No partner %(partner)s among the partners you see.") % {
                    "partner": tax_number or name
                }
            elif len(found) > 1:
                result = _("Several partners are called %(name)s: give the tax number instead.") % {
                    "name": name
                }
            else:
                result = found[0].partner
            self._partners[key] = result
        return self._partners[key]

    def clean_row(self, cleaned: dict) -> None:
        tax_number, name = cleaned.get("partner_tax_number", ""), cleaned.get("partner_name", "")
        field = "partner_tax_number" if tax_number or "partner_name" not in cleaned else "partner_name"
        if not tax_number and not name:
            raise ValidationError({field: _("Give the partner's tax number or name.")})
        partner = self._partner(tax_number, name)
        if isinstance(partner, str):
            raise ValidationError({field: partner})
        cleaned["partner"] = partner

    def existing(self, cleaned: dict) -> Contact | None:
        """The partner's active contact with the row's e-mail; without one, with the same name."""
        contacts = Contact.objects.active().filter(partner=cleaned["partner"])
        if cleaned.get("email"):
            contacts = contacts.filter(email__iexact=cleaned["email"])
        else:
            contacts = contacts.filter(
                Q(last_name__iexact=cleaned["last_name"])
                & Q(first_name__iexact=cleaned.get("first_name", ""))
            )
        return contacts.order_by("pk").first()

    def prime(self, values_list: list[dict[str, str]]) -> None:
        wanted = set()
        for values in values_list:
            try:
                tax_number = validate_tax_number(values.get("partner_tax_number") or "")
            except ValidationError:
                continue
            if tax_number and (tax_number, "") not in self._partners:
                wanted.add(tax_number)
        if wanted:
            accounts = (
                PartnerAccount.objects.visible_to(self.viewer)
                .filter(partner__tax_number__in=wanted)
                .select_related("partner")
            )
            found = {account.partner.tax_number: account.partner for account in accounts}
            for tax_number in wanted:
                if tax_number in found:
                    self._partners[(tax_number, "")] = found[tax_number]

    @staticmethod
    def _key(partner_id: int, email: str, last_name: str, first_name: str) -> tuple:
        return (
            (partner_id, email.lower()) if email else (partner_id, "", last_name.lower(), first_name.lower())
        )

    def split_new(self, validated: list[tuple[int, dict]], matching: str) -> tuple[list, list, list]:
        partner_ids = {cleaned["partner"].pk for _index, cleaned in validated}
        stored = {}
        for contact in Contact.objects.active().filter(partner_id__in=partner_ids).order_by("-pk"):
            stored[self._key(contact.partner_id, contact.email, contact.last_name, contact.first_name)] = (
                contact
            )
        roles = defaultdict(set)
        taken = set()
        for contact_id, partner_id, type_id, exclusive in ContactRole.objects.filter(
            partner_id__in=partner_ids
        ).values_list("contact_id", "partner_id", "type_id", "exclusive"):
            roles[contact_id].add(type_id)
            if exclusive:
                taken.add((partner_id, type_id))
        fresh, rest, unchanged, seen = [], [], [], set()
        for index, cleaned in validated:
            partner_id = cleaned["partner"].pk
            key = self._key(
                partner_id, cleaned.get("email", ""), cleaned["last_name"], cleaned.get("first_name", "")
            )
            exclusive = {(partner_id, t.pk) for t in cleaned.get("types") or [] if t.is_exclusive}
            contact = stored.get(key)
            if (
                contact is not None
                and key not in seen
                and matching != Matching.CREATE
                and (matching == Matching.SKIP or not self._changes(contact, roles[contact.pk], cleaned))
            ):
                unchanged.append(index)  # a re-run of the same row: nothing to write
            elif contact is not None or key in seen or exclusive & taken:
                rest.append((index, cleaned))  # an update, a duplicate or a one-per-partner clash
            else:
                seen.add(key)
                taken |= exclusive
                fresh.append((index, cleaned))
        return fresh, rest, unchanged

    def _changes(self, contact: Contact, type_ids: set[int], cleaned: dict) -> bool:
        for name in self.CONTACT_FIELDS:
            value = cleaned.get(name)
            if (
                value
                and getattr(contact, name) != value
                and not (name == "email" and contact.email.lower() == value.lower())
            ):
                return True
        return any(t.pk not in type_ids for t in cleaned.get("types") or [])

    def create_many(self, cleaned_list: list[dict]) -> None:
        """What contact_create writes for each row (the contact, its roles, the company's GDPR notice
        for a new address, sent after commit through the same task), for all rows in a few statements."""
        rows = [
            {"partner_id": c["partner"].pk, "created_in_id": self.company.pk, **{n: c[n] for n in self.CONTACT_FIELDS if c.get(n)}}
            for c in cleaned_list
        ]  # fmt: skip
        contact_ids = insert_rows(Contact, rows)
        roles = [
            {"contact_id": pk, "type_id": t.pk, "partner_id": row["partner_id"], "exclusive": t.is_exclusive}
            for pk, row, cleaned in zip(contact_ids, rows, cleaned_list, strict=True)
            for t in cleaned.get("types") or []
        ]
        insert_rows(ContactRole, roles, ids=False)
        notices = {}
        for pk, row in zip(contact_ids, rows, strict=True):
            if row.get("email"):
                notices.setdefault(email_hash(row["email"]), (pk, row))
        known = set(
            GdprNotice.objects.filter(company=self.company, email_hash__in=list(notices)).values_list(
                "email_hash", flat=True
            )
        )
        language = self.company.language or "en"
        notice_ids = insert_rows(
            GdprNotice,
            [
                {"company_id": self.company.pk, "email_hash": digest, "recipient": row["email"].strip(), "contact_id": pk,
                 "language": row.get("preferred_language") or language}
                for digest, (pk, row) in notices.items()
                if digest not in known
            ],
        )  # fmt: skip
        self.audit_created(
            Contact,
            [(pk, f"{row.get('last_name', '')} {row.get('first_name', '')}".strip(), {n: v for n, v in row.items() if n in self.CONTACT_FIELDS}) for pk, row in zip(contact_ids, rows, strict=True)],
            None,
        )  # fmt: skip
        if notice_ids:
            # One fan-out task per chunk queues a send per notice (as the ERP import does), on the bulk
            # queue; a lost one loses nothing: the notices are recorded and the outbox sweep sends them.
            transaction.on_commit(lambda: enqueue_by_name(NOTICES_FAN_OUT_TASK, notice_ids))

    def apply(self, cleaned: dict, existing: Contact | None, matching: str) -> str:
        fields = {name: cleaned[name] for name in self.CONTACT_FIELDS if cleaned.get(name)}
        types = cleaned.get("types") or []
        try:
            if existing is None:
                contact_create(partner=cleaned["partner"], company=self.company, types=types, **fields)
                return CREATED
            if matching == Matching.CREATE:
                raise RowError(
                    _("%(partner)s already has this contact: %(contact)s.")
                    % {"partner": cleaned["partner"], "contact": existing}
                )
            if matching == Matching.SKIP:
                return SKIPPED
            current_types = list(existing.roles.values_list("type_id", flat=True))
            # The address matched case-insensitively: a different spelling of it is no change.
            changed = {
                name: value
                for name, value in fields.items()
                if getattr(existing, name) != value
                and not (name == "email" and existing.email.lower() == value.lower())
            }
            new_types = [t for t in types if t.pk not in current_types]
            if not changed and not new_types:
                return SKIPPED  # nothing new: a re-run of the same file changes nothing
            # Types named in the file are added; the contact keeps the ones it has.
            keep = list(ContactType.objects.filter(pk__in=current_types))
            contact_update(contact=existing, company=self.company, types=keep + new_types, **changed)
            return UPDATED
        except ContactRuleError as error:
            raise RowError(str(error)) from None


ROWS = {ImportKind.PARTNERS: PartnerRows, ImportKind.CONTACTS: ContactRows}
