"""Demo contact types and contacts. Idempotent."""

from companies.models import Company
from contacts.models import Cardinality, Contact, ContactType
from contacts.services import contact_create
from partners.models import Partner

TYPES = [
    ("financial", "Financial", "Pénzügyi", "Финансов", Cardinality.ONE),
    ("technical", "Technical", "Műszaki", "Технически", Cardinality.MANY),
    ("decision-maker", "Decision maker", "Döntéshozó", "Взема решения", Cardinality.ONE),
    ("purchasing", "Purchasing", "Beszerzés", "Снабдяване", Cardinality.MANY),
]

# partner, company code, first, last, position, e-mail, phone, language, type codes
CONTACTS = [
    (
        "Duna Gépgyártó Zrt.",
        "alfa",
        "Judit",
        "Fekete",
        "Gazdasági igazgató",
        "judit.fekete@duna.example",
        "+36 1 555 0101",
        "hu",
        ["financial", "decision-maker"],
    ),
    (
        "Duna Gépgyártó Zrt.",
        "alfa",
        "László",
        "Molnár",
        "Karbantartási vezető",
        "laszlo.molnar@duna.example",
        "+36 1 555 0102",
        "hu",
        ["technical"],
    ),
    (
        "Tisza Logisztika Kft.",
        "alfa",
        "Anna",
        "Papp",
        "Könyvelő",
        "anna.papp@tisza.example",
        "+36 62 555 010",
        "hu",
        ["financial"],
    ),
    ("Balaton Food Kft.", "alfa", "Zoltán", "Takács", "Beszerző", "", "+36 88 555 020", "hu", ["purchasing"]),
    (
        "Sofia Tech OOD",
        "beta",
        "Мария",
        "Георгиева",
        "Главен счетоводител",
        "maria.georgieva@sofiatech.example",
        "+359 2 555 0101",
        "bg",
        ["financial"],
    ),
    (
        "Plovdiv Pack EOOD",
        "beta",
        "Георги",
        "Димитров",
        "Управител",
        "georgi@plovdivpack.example",
        "+359 32 555 010",
        "bg",
        ["decision-maker"],
    ),
]


def seed(companies: dict[str, Company]) -> None:
    types = {}
    for code, en, hu, bg, cardinality in TYPES:
        types[code], _ = ContactType.objects.update_or_create(
            code=code, defaults={"name_en": en, "name_hu": hu, "name_bg": bg, "cardinality": cardinality}
        )
    for partner_name, company_code, first, last, position, email, phone, language, codes in CONTACTS:
        partner = Partner.objects.get(name=partner_name)
        if Contact.objects.filter(partner=partner, first_name=first, last_name=last).exists():
            continue
        contact_create(
            partner=partner,
            company=companies[company_code],
            types=[types[code] for code in codes],
            first_name=first,
            last_name=last,
            position=position,
            email=email,
            phone=phone,
            preferred_language=language,
        )
