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
        "+36 62 555 0103",
        "hu",
        ["financial"],
    ),
    (
        "Balaton Food Kft.",
        "alfa",
        "Zoltán",
        "Takács",
        "Beszerző",
        "",
        "+36 30 555 0204",
        "hu",
        ["purchasing"],
    ),
    (
        "София Тех ООД",
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
        "Пловдив Пак ЕООД",
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

# More contacts (Hungarian mobile +36 20/30/70, landline +36 1 / area code; Bulgarian +359 88/89 or +359 2 / area).
CONTACTS += [
    ("Kőrös Faipari Kft.", "alfa", "Gergely", "Balogh", "Ügyvezető", "gergely.balogh@koros.example",
     "+36 30 412 7788", "hu", ["decision-maker"]),
    ("Kőrös Faipari Kft.", "alfa", "Katalin", "Szűcs", "Pénzügyi vezető", "katalin.szucs@koros.example",
     "+36 56 555 0110", "hu", ["financial"]),
    ("Bakony Bányászati Zrt.", "alfa", "Tamás", "Lakatos", "Beszerzési vezető", "tamas.lakatos@bakony.example",
     "+36 20 345 1290", "hu", ["purchasing", "decision-maker"]),
    ("Hajdú Pékség Kft.", "alfa", "Erzsébet", "Kiss", "Tulajdonos", "erzsebet.kiss@hajdupek.example",
     "+36 52 555 0133", "hu", ["decision-maker"]),
    ("Mecsek Gyógyszer Kft.", "alfa", "Balázs", "Oláh", "Műszaki igazgató", "balazs.olah@mecsek.example",
     "+36 70 221 4455", "hu", ["technical"]),
    ("Rába Járműalkatrész Kft.", "alfa", "Ildikó", "Németh", "Könyvelő", "ildiko.nemeth@raba.example",
     "+36 96 555 0150", "hu", ["financial"]),
    ("Zemplén Borászat Bt.", "alfa", "Ferenc", "Vass", "Borász, tulajdonos", "", "+36 30 998 1203", "hu",
     ["decision-maker"]),
    ("Варна Марин АД", "beta", "Николай", "Стоянов", "Изпълнителен директор", "n.stoyanov@varnamarine.example",
     "+359 52 555 011", "bg", ["decision-maker"]),
    ("Родопи Мляко ООД", "beta", "Елена", "Костова", "Главен счетоводител", "elena.kostova@rodopi.example",
     "+359 88 412 3456", "bg", ["financial"]),
    ("Бургас Логистик ЕООД", "beta", "Димитър", "Колев", "Управител", "d.kolev@burgaslog.example",
     "+359 89 765 4321", "bg", ["decision-maker"]),
    ("Русе Агро АД", "beta", "Петя", "Иванова", "Снабдител", "petya.ivanova@ruseagro.example",
     "+359 82 555 017", "bg", ["purchasing"]),
    ("Стара Загора Енерджи ООД", "beta", "Христо", "Попов", "Технически директор", "",
     "+359 87 234 5678", "bg", ["technical"]),
]  # fmt: skip


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
