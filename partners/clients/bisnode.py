"""Client for the company-information ("Bisnode") SOAP service.

This module is the only code that talks to the service. Views call
:func:`lookup_by_tax_number` / :func:`search_by_name`, get :class:`CompanyInfo`
objects back (``as_partner_initial()`` pre-fills the partner form) and show
``exc.message`` of any :class:`CompanyInfoError` to the user.

Settings (all optional, read at call time so tests and deployments can change them):

* ``BISNODE_WSDL``          path or URL of the WSDL (default: the bundled ``partners/bisnode/service.wsdl``)
* ``BISNODE_ENDPOINT``      SOAP address, overrides the one in the WSDL (default ``http://127.0.0.1:8099/soap``)
* ``BISNODE_TIMEOUT``       seconds for connecting and for each answer (default 4)
* ``BISNODE_CACHE_SECONDS`` how long answers, including "not found", are cached (default 86400)
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import urllib3.exceptions
import zeep
import zeep.exceptions
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext, ngettext
from lxml import etree
from zeep.helpers import serialize_object
from zeep.transports import Transport

logger = logging.getLogger(__name__)

SERVICE_NS = "urn:crm:companyinfo:v1"
BINDING_QNAME = f"{{{SERVICE_NS}}}CompanyInfoSoapBinding"
DEFAULT_WSDL = str(Path(__file__).resolve().parent.parent / "bisnode" / "service.wsdl")
DEFAULT_ENDPOINT = "http://127.0.0.1:8099/soap"
DEFAULT_TIMEOUT = 4.0
DEFAULT_CACHE_SECONDS = 86400
# Bump the version when the cached shape changes so old entries are simply ignored.
CACHE_PREFIX = "bisnode:v1"
# Partner.tax_number is 32 characters; anything longer cannot be a tax number.
MAX_TAX_NUMBER_LENGTH = 32
MAX_NAME_LENGTH = 255
MAX_RESULTS_LIMIT = 50


# --------------------------------------------------------------------------- errors


class CompanyInfoError(Exception):
    """Base of all lookup failures.

    ``message`` is translated and written for a sales user; ``detail`` is the
    technical reason, for logs only.
    """

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class CompanyNotFound(CompanyInfoError):
    """The service answered, and it knows no such company."""

    @classmethod
    def for_tax_number(cls, tax_number: str) -> CompanyNotFound:
        return cls(
            gettext(
                "No company was found with the tax number %(tax_number)s. "
                "Check the number, or fill in the form by hand."
            )
            % {"tax_number": tax_number}
        )


class CompanyInfoUnavailable(CompanyInfoError):
    """No usable answer: timeout, connection refused, server fault, malformed answer."""

    @classmethod
    def timeout(cls, seconds: float, *, detail: str = "") -> CompanyInfoUnavailable:
        message = ngettext(
            "The company-information service did not answer within %(seconds)s second. "
            "Fill in the form by hand or try again later.",
            "The company-information service did not answer within %(seconds)s seconds. "
            "Fill in the form by hand or try again later.",
            math.ceil(seconds),
        ) % {"seconds": f"{seconds:g}"}
        return cls(message, detail=detail)

    @classmethod
    def unreachable(cls, *, detail: str = "") -> CompanyInfoUnavailable:
        return cls(
            gettext(
                "The company-information service cannot be reached right now. "
                "Fill in the form by hand or try again later."
            ),
            detail=detail,
        )

    @classmethod
    def service_error(cls, *, detail: str = "") -> CompanyInfoUnavailable:
        return cls(
            gettext(
                "The company-information service reported an internal error. "
                "Fill in the form by hand or try again later."
            ),
            detail=detail,
        )

    @classmethod
    def bad_answer(cls, *, detail: str = "") -> CompanyInfoUnavailable:
        return cls(
            gettext(
                "The company-information service sent an answer the CRM could not read. "
                "Fill in the form by hand or try again later."
            ),
            detail=detail,
        )


class _NotFoundFault(Exception):
    """Internal: the service said "not found"; callers turn it into a (cached) empty answer."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class CompanyInfo:
    """One company as the service describes it (the WSDL's CompanyInfo, snake_case)."""

    name: str
    short_name: str = ""
    tax_number: str = ""
    registration_number: str = ""
    eu_vat_number: str = ""
    country: str = ""
    postal_code: str = ""
    city: str = ""
    street: str = ""
    main_activity_code: str = ""
    main_activity: str = ""
    founded_on: datetime.date | None = None
    employees: int | None = None
    status: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    def as_partner_initial(self) -> dict[str, str]:
        """Initial data for the partner form (Partner fields + seat address fields).

        Every key is always present, empty when unknown, so a second lookup in the
        same form replaces all values of the first one.
        """
        activity = " ".join(part for part in (self.main_activity_code, self.main_activity) if part)
        return {
            "name": self.name,
            "short_name": self.short_name,
            "tax_number": self.tax_number,
            "registration_number": self.registration_number,
            "main_activity": activity,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
            "seat_postal_code": self.postal_code,
            "seat_city": self.city,
            "seat_street": self.street,
            "seat_country": self.country,
        }


# WSDL element name -> CompanyInfo attribute, for the string fields.
_TEXT_FIELDS: dict[str, str] = {
    "shortName": "short_name",
    "taxNumber": "tax_number",
    "registrationNumber": "registration_number",
    "euVatNumber": "eu_vat_number",
    "country": "country",
    "postalCode": "postal_code",
    "city": "city",
    "street": "street",
    "mainActivityCode": "main_activity_code",
    "mainActivity": "main_activity",
    "status": "status",
    "phone": "phone",
    "email": "email",
    "website": "website",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _company_from_zeep(value: Any) -> CompanyInfo:
    data = serialize_object(value, dict)
    if not isinstance(data, dict):
        raise CompanyInfoUnavailable.bad_answer(detail=f"company is not a structure: {data!r}")
    name = _text(data.get("name"))
    if not name:
        # name is the one mandatory element; without it the answer is useless for the form.
        raise CompanyInfoUnavailable.bad_answer(detail="company without a name")
    founded_on = data.get("foundedOn")
    employees = data.get("employees")
    if founded_on is not None and not isinstance(founded_on, datetime.date):
        raise CompanyInfoUnavailable.bad_answer(detail=f"foundedOn is not a date: {founded_on!r}")
    return CompanyInfo(
        name=name,
        founded_on=founded_on,
        employees=int(employees) if employees is not None else None,
        **{attr: _text(data.get(element)) for element, attr in _TEXT_FIELDS.items()},
    )


# --------------------------------------------------------------------------- settings


def _wsdl() -> str:
    return str(getattr(settings, "BISNODE_WSDL", DEFAULT_WSDL))


def _endpoint() -> str:
    return str(getattr(settings, "BISNODE_ENDPOINT", DEFAULT_ENDPOINT))


def _timeout() -> float:
    return float(getattr(settings, "BISNODE_TIMEOUT", DEFAULT_TIMEOUT))


def _cache_seconds() -> int:
    return int(getattr(settings, "BISNODE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


# --------------------------------------------------------------------------- transport


@functools.lru_cache(maxsize=8)
def _zeep_client(wsdl: str, timeout: float) -> zeep.Client:
    """One zeep Client per WSDL (and timeout, which lives in the Transport).

    Parsing the WSDL is the slow part of a call, so it is done once per process;
    the endpoint is not part of the key because create_service() supplies it per call.
    """
    transport = Transport(timeout=timeout, operation_timeout=timeout)
    return zeep.Client(wsdl, transport=transport)


def _is_timeout(exc: requests.exceptions.RequestException) -> bool:
    # A read timeout while the body streams arrives as ConnectionError(ReadTimeoutError).
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    return any(isinstance(arg, urllib3.exceptions.TimeoutError) for arg in exc.args)


def _fault_detail_code(fault: zeep.exceptions.Fault) -> str:
    detail = fault.detail
    if detail is None:
        return ""
    code = detail.find(f".//{{{SERVICE_NS}}}code")
    return _text(code.text) if code is not None else ""


def _map_fault(fault: zeep.exceptions.Fault) -> Exception:
    fault_code = _text(fault.code).rpartition(":")[2]
    is_not_found = _fault_detail_code(fault) == "NOT_FOUND" or _text(fault.message).lower() == "not found"
    if fault_code == "Client" and is_not_found:
        return _NotFoundFault(fault.message)
    return CompanyInfoUnavailable.service_error(detail=f"SOAP fault {fault.code}: {fault.message}")


def _call(operation: str, **params: Any) -> Any:
    """Invoke one operation and translate every failure into CompanyInfoError / _NotFoundFault."""
    timeout = _timeout()
    try:
        client = _zeep_client(_wsdl(), timeout)
        service = client.create_service(BINDING_QNAME, _endpoint())
        return getattr(service, operation)(**params)
    except zeep.exceptions.Fault as fault:
        error = _map_fault(fault)
    except requests.exceptions.RequestException as exc:
        if _is_timeout(exc):
            error = CompanyInfoUnavailable.timeout(timeout, detail=repr(exc))
        else:
            error = CompanyInfoUnavailable.unreachable(detail=repr(exc))
    except (zeep.exceptions.Error, etree.LxmlError, ValueError) as exc:
        # TransportError (e.g. HTTP 404/502 with HTML), XMLSyntaxError, bad values in the answer.
        error = CompanyInfoUnavailable.bad_answer(detail=repr(exc))
    except OSError as exc:
        # The WSDL file is missing or unreadable: a deployment problem, not the user's.
        logger.exception("company-information WSDL %s cannot be loaded", _wsdl())
        error = CompanyInfoUnavailable.unreachable(detail=repr(exc))
    if isinstance(error, CompanyInfoError):
        logger.warning("company-information %s failed: %s", operation, error.detail)
    raise error


# --------------------------------------------------------------------------- cache


def normalise_tax_number(tax_number: str) -> str:
    """Letters and digits only, upper case: "10537914-2-44" and "10537914 2 44" are one query."""
    return "".join(ch for ch in tax_number.upper() if ch.isalnum())


def _normalise_name(name: str) -> str:
    return " ".join(name.split())


def _cache_key(kind: str, value: str) -> str:
    # Hashed so any user input makes a short key without spaces (portable across cache backends).
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:40]
    return f"{CACHE_PREFIX}:{kind}:{digest}"


def _cached_answer(key: str, fetch: Callable[[], list[CompanyInfo]]) -> list[CompanyInfo]:
    """Answers (also empty ones) are cached; exceptions propagate before anything is stored."""
    stored = cache.get(key)
    if stored is None:
        companies = fetch()
        cache.set(key, [dataclasses.asdict(company) for company in companies], _cache_seconds())
        return companies
    return [CompanyInfo(**fields) for fields in stored]


# --------------------------------------------------------------------------- public API


def lookup_by_tax_number(tax_number: str) -> CompanyInfo:
    """The company with this tax number (HU adószám, EU VAT number or BG EIK).

    Raises CompanyNotFound (also for blank input) or CompanyInfoUnavailable.
    """
    shown = tax_number.strip()
    query = normalise_tax_number(tax_number)
    if not query or len(query) > MAX_TAX_NUMBER_LENGTH:
        raise CompanyNotFound.for_tax_number(shown)

    def fetch() -> list[CompanyInfo]:
        try:
            return [_company_from_zeep(_call("FindByTaxNumber", taxNumber=query))]
        except _NotFoundFault:
            return []

    companies = _cached_answer(_cache_key("tax", query), fetch)
    if not companies:
        raise CompanyNotFound.for_tax_number(shown)
    return companies[0]


def search_by_name(name: str, max_results: int = 10) -> list[CompanyInfo]:
    """Companies whose name contains ``name``, at most ``max_results``; [] when none match.

    Raises CompanyInfoUnavailable.
    """
    query = _normalise_name(name)[:MAX_NAME_LENGTH]
    limit = min(max(int(max_results), 1), MAX_RESULTS_LIMIT)
    if not query:
        return []

    def fetch() -> list[CompanyInfo]:
        try:
            result = _call("SearchByName", name=query, maxResults=limit)
        except _NotFoundFault:  # some services fault instead of answering with an empty list
            return []
        return [_company_from_zeep(item) for item in (result or [])][:limit]

    # The service searches case-insensitively, so the case-folded name is the cache key.
    return _cached_answer(_cache_key(f"name:{limit}", query.casefold()), fetch)
