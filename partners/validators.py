"""Tax-number validation for the partner master.

Supported formats (checked in this order):

* Hungarian adószám ``12345678-1-42``: the 8-digit törzsszám (with its check digit), the VAT code 1–5
  and the county / tax office code (02–44 or 51).
* Bulgarian EIK/BULSTAT: 9 digits (legal entities) or 10 digits (persons, foreigners, others).
* EU VAT numbers: a country prefix followed by the national number, e.g. ``HU12345678``,
  ``BG175074752``, ``DE136695976`` or ``ATU13585627``.

The empty string is accepted (the field is optional); whether a tax number is required is up to the
caller.  Model-field validators cannot change the stored value, so forms and services should store
the result of :func:`validate_tax_number` (or :func:`normalize_tax_number`), not the raw input.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from stdnum.bg import vat as bg_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.hu import anum

__all__ = [
    "EU_VAT_PREFIXES",
    "HU_COUNTY_CODES",
    "HU_VAT_CODES",
    "INVALID_TAX_NUMBER",
    "MAX_TAX_NUMBER_LENGTH",
    "TaxNumberValidator",
    "normalize_tax_number",
    "tax_number_country",
    "tax_number_validator",
    "validate_tax_number",
]

INVALID_TAX_NUMBER = "invalid_tax_number"

# Longer input is rejected before any parsing; no real tax number comes close (even with separators).
MAX_TAX_NUMBER_LENGTH = 64

# 9th digit of the adószám: 1 exempt, 2 general, 3 simplified (EVA), 4 group member, 5 group.
HU_VAT_CODES = frozenset("12345")
# Last two digits: 02–20 counties, 22–44 Budapest / regional and large-taxpayer offices, 51 Kiemelt
# Adózók Igazgatósága.  Deliberately permissive: the whole 02–44 range plus 51.
HU_COUNTY_CODES = frozenset(f"{code:02d}" for code in range(2, 45)) | {"51"}

# VIES country prefixes: Greece uses EL, Northern Ireland traders XI.
EU_VAT_PREFIXES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)

# Unicode dashes people paste from documents: hyphen, non-breaking hyphen, figure dash, en dash,
# em dash, horizontal bar, minus sign, small and fullwidth hyphen-minus.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"))
_WHITESPACE_RE = re.compile(r"\s+")
_SEPARATORS_RE = re.compile(r"[\s.\-]+")
_PREFIX_RE = re.compile(r"([A-Za-z]{2})[\s.\-]*(.*)", re.DOTALL)
_DIGITS_RE = re.compile(r"[0-9]+")
_ALLOWED_RE = re.compile(r"[A-Za-z0-9 .\-]*")
_HU_TAX_NUMBER_RE = re.compile(r"([0-9]{8})-([0-9])-([0-9]{2})")


def _is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() would also accept Arabic-Indic, fullwidth, ... digits."""
    return _DIGITS_RE.fullmatch(value) is not None


def _split_prefix(value: str) -> tuple[str, str] | None:
    """Split a leading two-letter (ASCII) country prefix from the rest, or None without one."""
    match = _PREFIX_RE.fullmatch(value)
    if match is None:
        return None
    return match.group(1).upper(), match.group(2)


def normalize_tax_number(value: str) -> str:
    """Return the canonical form of a tax number without validating it.

    * Hungarian adószám: ``12345678-1-23`` (from ``12345678123``, ``12345678 1 23``, ...).
    * Bulgarian EIK/BULSTAT: the 9 or 10 digits (spaces and dots removed).
    * EU VAT numbers: the compact form, country prefix plus number (``BG175074752``, ``ATU13585627``).

    Anything else is only stripped, has its inner whitespace collapsed to single spaces and a leading
    country prefix upper-cased, so :func:`validate_tax_number` can report on what the user typed.
    Never raises for string input.
    """
    if value is None:
        return ""
    text = _WHITESPACE_RE.sub(" ", str(value).translate(_DASHES).strip())
    if not text:
        return ""

    split = _split_prefix(text)
    if split is None:
        digits = _SEPARATORS_RE.sub("", text)
        if _is_digits(digits):
            if len(digits) == 11:
                return f"{digits[:8]}-{digits[8]}-{digits[9:]}"
            # A dash means an attempted (Hungarian) adószám: don't reinterpret it as a Bulgarian EIK.
            if len(digits) in (9, 10) and "-" not in text:
                return digits
        return text

    prefix, rest = split
    compact = prefix + _SEPARATORS_RE.sub("", rest).upper()
    if prefix in EU_VAT_PREFIXES and prefix not in ("HU", "BG"):
        try:
            stdnum_compact = eu_vat.compact(compact)
            # stdnum pads some numbers with zeros (NL, BE); on junk that is not always a fixed point
            # ("NL" -> "NL000000000" -> "NL000000000000"), and normalising must be idempotent.
            if eu_vat.compact(stdnum_compact) == stdnum_compact:
                return stdnum_compact
        except (StdnumValidationError, ValueError, IndexError):
            pass
    return compact


def tax_number_country(value: str) -> str | None:
    """Return "HU", "BG" or the EU VAT country prefix (e.g. "DE", "EL", "XI") of a tax number.

    The value is normalised first; the number is not validated.  Returns None for empty input and for
    values that do not look like any supported format.
    """
    normalized = normalize_tax_number(value)
    if not normalized:
        return None
    if _HU_TAX_NUMBER_RE.fullmatch(normalized):
        return "HU"
    if _is_digits(normalized) and len(normalized) in (9, 10):
        return "BG"
    split = _split_prefix(normalized)
    if split is not None and split[0] in EU_VAT_PREFIXES:
        return split[0]
    return None


def _invalid(message: str, **params: object) -> ValidationError:
    return ValidationError(message, code=INVALID_TAX_NUMBER, params=params or None)


def _general_format_error() -> ValidationError:
    return _invalid(
        _(
            "Enter a valid tax number: a Hungarian tax number (12345678-1-42), a Bulgarian EIK/BULSTAT "
            "(9 or 10 digits) or an EU VAT number with its country prefix (for example DE136695976)."
        )
    )


def _hu_format_error() -> ValidationError:
    return _invalid(
        _("A Hungarian tax number looks like 12345678-1-42 (8 digits, the VAT code 1–5, the county code).")
    )


def _validate_hu_tax_number(normalized: str) -> str:
    match = _HU_TAX_NUMBER_RE.fullmatch(normalized)
    if match is None:
        raise _hu_format_error()
    base, vat_code, county = match.groups()
    if not anum.is_valid(base):
        raise _invalid(
            _("The Hungarian tax number %(value)s has a wrong check digit."),
            value=normalized,
        )
    if vat_code not in HU_VAT_CODES:
        raise _invalid(
            _(
                "The Hungarian tax number %(value)s has an invalid VAT code %(code)s: the 9th digit "
                "must be 1–5 (format 12345678-1-42)."
            ),
            value=normalized,
            code=vat_code,
        )
    if county not in HU_COUNTY_CODES:
        raise _invalid(
            _(
                "The Hungarian tax number %(value)s has an invalid county code %(code)s: the last two "
                "digits must be 02–44 or 51 (format 12345678-1-42)."
            ),
            value=normalized,
            code=county,
        )
    return normalized


def _validate_hu_vat_number(normalized: str) -> str:
    digits = normalized[2:]
    if not _is_digits(digits) or len(digits) != 8:
        raise _invalid(
            _(
                "A Hungarian EU VAT number looks like HU12345678 (HU followed by the 8-digit "
                "törzsszám, the first 8 digits of the tax number)."
            )
        )
    if not anum.is_valid(digits):
        raise _invalid(
            _("The Hungarian EU VAT number %(value)s has a wrong check digit."),
            value=normalized,
        )
    return normalized


def _validate_bg_number(normalized: str, prefixed: bool) -> str:
    digits = normalized[2:] if prefixed else normalized
    if not _is_digits(digits) or len(digits) not in (9, 10):
        if prefixed:
            message = _(
                "A Bulgarian VAT number looks like BG175074752 (BG followed by the 9 or 10 digits "
                "of the EIK/BULSTAT)."
            )
        else:
            message = _("A Bulgarian EIK/BULSTAT has 9 or 10 digits, for example 175074752.")
        raise _invalid(message)
    if not bg_vat.is_valid(digits):
        raise _invalid(
            _("The Bulgarian EIK/BULSTAT %(value)s has a wrong check digit."),
            value=normalized,
        )
    return normalized


def _validate_eu_vat_number(normalized: str, prefix: str) -> str:
    try:
        eu_vat.validate(normalized)
    except InvalidChecksum:
        message = _("The %(country)s VAT number %(value)s has a wrong check digit.")
    except InvalidLength:
        message = _("The %(country)s VAT number %(value)s has the wrong number of characters.")
    except (StdnumValidationError, ValueError, IndexError):
        message = _("%(value)s is not a valid %(country)s VAT number: the format is wrong.")
    else:
        return normalized
    raise _invalid(message, value=normalized, country=prefix)


def validate_tax_number(value: str) -> str:
    """Validate a Hungarian, Bulgarian or EU tax number and return its normalised form.

    Returns "" for empty input.  Raises :class:`django.core.exceptions.ValidationError` with code
    ``"invalid_tax_number"`` and a translated message describing the problem and the expected format.
    """
    if value is None:
        return ""
    value = str(value)
    if len(value) > MAX_TAX_NUMBER_LENGTH:
        raise _invalid(
            _("The tax number is too long: enter at most %(limit)d characters."),
            limit=MAX_TAX_NUMBER_LENGTH,
        )
    # Check the characters before normalising: upper-casing could turn e.g. a dotless "ı" into "I".
    cleaned = _WHITESPACE_RE.sub(" ", value.translate(_DASHES).strip())
    if not cleaned:
        return ""
    if not cleaned.isascii() or _ALLOWED_RE.fullmatch(cleaned) is None:
        raise _invalid(
            _("A tax number may only contain the Latin letters A–Z, the digits 0–9, spaces, dots and dashes.")
        )

    normalized = normalize_tax_number(cleaned)
    split = _split_prefix(normalized)
    if split is None:
        if _HU_TAX_NUMBER_RE.fullmatch(normalized):
            return _validate_hu_tax_number(normalized)
        if _is_digits(normalized) and len(normalized) in (9, 10):
            return _validate_bg_number(normalized, prefixed=False)
        compact = _SEPARATORS_RE.sub("", normalized)
        if _is_digits(compact) and len(compact) == 8:
            raise _invalid(
                _(
                    "%(value)s looks like a Hungarian törzsszám only: enter the full tax number "
                    "12345678-1-42 or the EU VAT number HU12345678."
                ),
                value=compact,
            )
        if "-" in normalized and _is_digits(compact):
            raise _hu_format_error()
        raise _general_format_error()

    prefix = split[0]
    if prefix == "HU":
        return _validate_hu_vat_number(normalized)
    if prefix == "BG":
        return _validate_bg_number(normalized, prefixed=True)
    if prefix in EU_VAT_PREFIXES:
        return _validate_eu_vat_number(normalized, prefix)
    raise _invalid(
        _(
            "Unknown country prefix %(prefix)s. A tax number starting with letters must be an EU VAT "
            "number with one of these prefixes: %(prefixes)s."
        ),
        prefix=prefix,
        prefixes=", ".join(sorted(EU_VAT_PREFIXES)),
    )


@deconstructible
class TaxNumberValidator:
    """Validator for model and form fields: ``validators=[tax_number_validator]``.

    Raises :class:`~django.core.exceptions.ValidationError` for invalid tax numbers; empty values pass.
    It does not change the value: normalise it in ``clean()`` with :func:`validate_tax_number`.
    """

    code = INVALID_TAX_NUMBER

    def __call__(self, value: str) -> None:
        validate_tax_number(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaxNumberValidator)

    def __hash__(self) -> int:
        return hash(type(self))


tax_number_validator = TaxNumberValidator()
