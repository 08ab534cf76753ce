"""Tax-number validation (partners.validators). Plain pytest, no database.

Every "valid" number below is a real one that python-stdnum accepts, every "wrong check digit" number is
checked against stdnum as well, so the tests fail loudly if a fixture is wrong.
"""

import random

import pytest
from django import forms
from django.core.exceptions import ValidationError
from stdnum.bg import vat as bg_vat
from stdnum.eu import vat as eu_vat
from stdnum.hu import anum

from partners import validators
from partners.validators import (
    INVALID_TAX_NUMBER,
    TaxNumberValidator,
    normalize_tax_number,
    tax_number_country,
    tax_number_validator,
    validate_tax_number,
)


def _message(value):
    with pytest.raises(ValidationError) as exc_info:
        validate_tax_number(value)
    error = exc_info.value
    assert error.code == INVALID_TAX_NUMBER
    assert len(error.messages) == 1
    return error.messages[0]


# --- real, valid numbers -------------------------------------------------------------------------

HU_TAX_NUMBERS = [
    "10537914-4-44",  # OTP Bank
    "10773381-2-44",  # Magyar Telekom
    "10625790-4-44",  # MOL
    "12345676-2-13",
    "10484878-2-02",
    "10537914-1-20",
    "10537914-3-22",
    "10537914-5-51",
]
BG_NUMBERS = ["175074752", "121817309", "131468980", "831642181", "7523169263", "7111042925"]
EU_VAT_NUMBERS = [
    "DE136695976",
    "ATU13585627",
    "SK2020273893",
    "RO18547290",
    "EL094259216",
    "FR40303265045",
    "NL004495445B01",
    "SE556188840401",
    "DK13585628",
    "FI20774740",
    "LU15027442",
    "PL8567346215",
    "CZ25123891",
    "IE6388047V",
    "ESA28015865",
    "IT00743110157",
    "BE0403019261",
    "XI925901618",
    "HU10537914",
    "HU10773381",
    "BG175074752",
    "BG121817309",
]


def test_fixtures_are_real_numbers_according_to_stdnum():
    for number in HU_TAX_NUMBERS:
        assert anum.is_valid(number[:8]), number
    for number in BG_NUMBERS:
        assert bg_vat.is_valid(number), number
    for number in EU_VAT_NUMBERS:
        assert eu_vat.is_valid(number), number


@pytest.mark.parametrize("number", HU_TAX_NUMBERS)
def test_valid_hungarian_tax_numbers(number):
    assert validate_tax_number(number) == number
    assert tax_number_country(number) == "HU"


@pytest.mark.parametrize("number", BG_NUMBERS)
def test_valid_bulgarian_eik_bulstat(number):
    assert validate_tax_number(number) == number
    assert validate_tax_number("BG" + number) == "BG" + number
    assert tax_number_country(number) == "BG"
    assert tax_number_country("BG" + number) == "BG"


@pytest.mark.parametrize("number", EU_VAT_NUMBERS)
def test_valid_eu_vat_numbers(number):
    assert validate_tax_number(number) == number
    assert tax_number_country(number) == number[:2]


@pytest.mark.parametrize("value", ["", "   ", "\t\n", "\u00a0"])
def test_empty_input_is_allowed(value):
    assert validate_tax_number(value) == ""
    assert normalize_tax_number(value) == ""
    assert tax_number_country(value) is None


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10537914244", "10537914-2-44"),
        ("10537914-2-44", "10537914-2-44"),
        ("  10537914 2 44  ", "10537914-2-44"),
        ("10537914 - 2 - 44", "10537914-2-44"),
        ("10537914\u20132\u201344", "10537914-2-44"),  # en dashes pasted from a document
        ("10537914\u00a02\u00a044", "10537914-2-44"),  # non-breaking spaces
        (" bg 175074752 ", "BG175074752"),
        ("bg-175 074 752", "BG175074752"),
        ("175 074 752", "175074752"),
        ("175.074.752", "175074752"),
        ("hu 10537914", "HU10537914"),
        ("HU-10537914", "HU10537914"),
        ("de 136 695 976", "DE136695976"),
        ("atu 13585627", "ATU13585627"),
        ("AT U13585627", "ATU13585627"),
        ("nl004495445b01", "NL004495445B01"),
        ("fr 40 303 265 045", "FR40303265045"),
        ("xx   12   3", "XX123"),
    ],
)
def test_normalize(raw, expected):
    assert normalize_tax_number(raw) == expected
    assert normalize_tax_number(expected) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10537914244", "10537914-2-44"),
        (" bg 175074752 ", "BG175074752"),
        ("175 074 752", "175074752"),
        ("de 136 695 976", "DE136695976"),
        ("hu10537914", "HU10537914"),
    ],
)
def test_validate_returns_normalised_value(raw, expected):
    assert validate_tax_number(raw) == expected


def test_dashed_hungarian_typo_is_not_reinterpreted_as_bulgarian():
    # 10 digits with dashes is a mistyped adószám, not a Bulgarian 10-digit number.
    assert normalize_tax_number("1053791-2-44") == "1053791-2-44"
    assert "12345678-1-42" in _message("1053791-2-44")


def test_normalize_collapses_inner_whitespace_of_unrecognised_values():
    assert normalize_tax_number("  abc   def  ") == "ABCDEF"
    assert normalize_tax_number("1e3   09") == "1e3 09"


# --- invalid numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["10537915-2-44", "10773391-2-44", "12345678-1-42", "10625791-4-44"])
def test_hungarian_wrong_check_digit(number):
    assert not anum.is_valid(number[:8])
    assert _message(number) == f"The Hungarian tax number {number} has a wrong check digit."


def test_hungarian_wrong_check_digit_without_dashes():
    assert _message("10537915244") == "The Hungarian tax number 10537915-2-44 has a wrong check digit."


@pytest.mark.parametrize("vat_code", ["0", "6", "7", "8", "9"])
def test_hungarian_wrong_vat_code(vat_code):
    message = _message(f"10537914-{vat_code}-44")
    assert f"invalid VAT code {vat_code}" in message
    assert "1–5" in message


@pytest.mark.parametrize("county", ["00", "01", "45", "50", "52", "99"])
def test_hungarian_wrong_county_code(county):
    message = _message(f"10537914-2-{county}")
    assert f"invalid county code {county}" in message
    assert "02–44 or 51" in message


@pytest.mark.parametrize("county", ["02", "20", "21", "22", "41", "44", "51"])
def test_hungarian_county_codes_accepted(county):
    assert validate_tax_number(f"10537914-2-{county}") == f"10537914-2-{county}"


@pytest.mark.parametrize(
    "value",
    ["1053791-2-44", "10537914-2-4", "10537914-22-44", "10537914-2-444", "105379142-2-44", "-1"],
)
def test_hungarian_wrong_length_explains_format(value):
    assert _message(value) == (
        "A Hungarian tax number looks like 12345678-1-42 (8 digits, the VAT code 1–5, the county code)."
    )


def test_torzsszam_alone_explains_the_full_formats():
    message = _message("10537914")
    assert "törzsszám" in message
    assert "12345678-1-42" in message
    assert "HU12345678" in message


@pytest.mark.parametrize("value", ["HU10537915", "HU10773391"])
def test_hungarian_vat_number_wrong_check_digit(value):
    assert not anum.is_valid(value)
    assert _message(value) == f"The Hungarian EU VAT number {value} has a wrong check digit."


@pytest.mark.parametrize("value", ["HU1053791", "HU105379144", "HU10537914-2-44", "HU", "HU1053791A"])
def test_hungarian_vat_number_wrong_format(value):
    assert "looks like HU12345678" in _message(value)


@pytest.mark.parametrize("value", ["175074751", "121817319", "131468981", "7523169264"])
def test_bulgarian_wrong_check_digit(value):
    assert not bg_vat.is_valid(value)
    assert _message(value) == f"The Bulgarian EIK/BULSTAT {value} has a wrong check digit."
    assert "wrong check digit" in _message("BG" + value)


@pytest.mark.parametrize("value", ["BG12345", "BG17507475", "BG17507475200", "BG17507475A", "BG"])
def test_bulgarian_vat_number_wrong_format(value):
    assert "BG175074752" in _message(value)


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("DE136695978", "The DE VAT number DE136695978 has a wrong check digit."),
        ("ATU13585626", "The AT VAT number ATU13585626 has a wrong check digit."),
        ("SK2020273894", "wrong check digit"),
        ("RO18547291", "wrong check digit"),
        ("FR40303265046", "wrong check digit"),
        ("DE12345", "The DE VAT number DE12345 has the wrong number of characters."),
        ("DE13669597A", "not a valid DE VAT number"),
        ("AT13585627", "not a valid AT VAT number"),
    ],
)
def test_eu_vat_invalid(value, phrase):
    assert not eu_vat.is_valid(value)
    assert phrase in _message(value)


@pytest.mark.parametrize(
    "value", ["XX123", "xx 123", "US123456789", "GB123456789", "GR094259216", "ABCDEFGH"]
)
def test_unknown_prefix_must_be_eu_vat(value):
    message = _message(value)
    assert "Unknown country prefix" in message
    assert "must be an EU VAT number" in message
    assert "DE, DK, EE, EL" in message


@pytest.mark.parametrize(
    "value", ["123", "12345678901234", "1053791A-2-44", "10537914-A-44", "1e309", "10537914 2 44 1"]
)
def test_unrecognised_shapes_list_the_expected_formats(value):
    message = _message(value)
    assert "Enter a valid tax number" in message
    assert "12345678-1-42" in message
    assert "9 or 10 digits" in message
    assert "EU VAT number" in message


HOSTILE = [
    "9" * 10_000,
    "HU" + "1" * 5_000,
    " " * 100 + "10537914-2-44",
    "١٢٣",
    "١٠٥٣٧٩١٤٢٤٤",  # Arabic-Indic digits of the valid 10537914244
    "１０５３７９１４２４４",  # fullwidth digits
    "HU１０５３７９１４",
    "BG١٧٥٠٧٤٧٥٢",
    "DE\u0131\u0131",  # dotless i upper-cases to an ASCII I
    "10537914-2-44\u202e",
    "\u202e44-2-41973501",
    "10537914-2-44\x00",
    "%00",
    "' OR 1=1 --",
    "1; DROP TABLE partners_partner; --",
    "'; SELECT pg_sleep(10); --",
    '"><script>alert(1)</script>',
    "<b>10537914-2-44</b>",
    "../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "%(value)s",
    "%s%s%s",
    "𝕏" * 200,
    "\ud800",
    "10537914_2_44",
    "DE136695976\n<script>",
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_raises_validation_error_only(value):
    message = _message(value)
    assert len(message) < 400
    assert "<script>" not in message
    # The normaliser itself must never raise either.
    normalize_tax_number(value)
    tax_number_country(value)


def test_too_long_input_is_rejected_before_parsing():
    assert "too long" in _message("1" * 65)
    assert "too long" in _message("DE136695976" + " " * 60)


def test_non_ascii_message():
    assert _message("١٢٣") == (
        "A tax number may only contain the Latin letters A–Z, the digits 0–9, spaces, dots and dashes."
    )


def test_random_garbage_never_raises_anything_but_validation_error():
    rng = random.Random(20240611)
    alphabet = list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -.–/_'\"<>%\t") + [
        "١",
        "５",
        "ı",
        "ß",
        "\u00a0",
        "\u202e",
        "\x00",
        "𝕏",
    ]
    prefixes = ["", "HU", "BG", "hu", "bg", "XX", *sorted(validators.EU_VAT_PREFIXES), "GR", "EU", "IM", "GB"]
    for _ in range(20_000):
        raw = rng.choice(prefixes) + "".join(rng.choices(alphabet, k=rng.randint(0, 20)))
        normalized = normalize_tax_number(raw)
        assert normalize_tax_number(normalized) == normalized, raw
        tax_number_country(raw)
        try:
            result = validate_tax_number(raw)
        except ValidationError as error:
            assert error.code == INVALID_TAX_NUMBER
            assert error.messages
        else:
            assert result == normalized, raw
            assert validate_tax_number(result) == result


def test_messages_go_through_gettext(monkeypatch):
    monkeypatch.setattr(validators, "_", lambda text: "[translated] " + text)
    for value in ["10537915-2-44", "10537914-9-44", "10537914-2-99", "XX123", "١٢٣", "123", "DE136695978"]:
        assert _message(value).startswith("[translated] "), value


# --- country -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("10537914-2-44", "HU"),
        ("10537914244", "HU"),
        ("HU10537914", "HU"),
        ("175074752", "BG"),
        ("7523169263", "BG"),
        (" bg 175074752 ", "BG"),
        ("DE136695976", "DE"),
        ("ATU13585627", "AT"),
        ("EL094259216", "EL"),
        ("XX123", None),
        ("123", None),
        ("", None),
    ],
)
def test_tax_number_country(value, country):
    assert tax_number_country(value) == country


# --- Django validator ----------------------------------------------------------------------------


def test_validator_callable():
    tax_number_validator("")
    tax_number_validator("10537914-2-44")
    tax_number_validator("BG175074752")
    with pytest.raises(ValidationError) as exc_info:
        tax_number_validator("10537914-9-44")
    assert exc_info.value.code == INVALID_TAX_NUMBER


def test_validator_in_a_form_field():
    field = forms.CharField(required=False, validators=[tax_number_validator])
    assert field.clean("") == ""
    assert field.clean("DE136695976") == "DE136695976"
    with pytest.raises(ValidationError) as exc_info:
        field.clean("DE136695978")
    assert exc_info.value.error_list[0].code == INVALID_TAX_NUMBER
    assert "wrong check digit" in exc_info.value.messages[0]


def test_validator_is_deconstructible_for_migrations():
    path, args, kwargs = tax_number_validator.deconstruct()
    assert path == "partners.validators.TaxNumberValidator"
    assert (args, kwargs) == ((), {})
    assert tax_number_validator == TaxNumberValidator()
    assert hash(tax_number_validator) == hash(TaxNumberValidator())
