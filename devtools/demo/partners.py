"""Demo partners: a shared master with each company's private data. Idempotent."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from companies.models import Company, User
from partners.models import Asset, Partner, PartnerAccount, PartnerAddress, Tag, Turnover

# name, tax number, (customer, supplier, distributor), source, city, street, postal code, country
PARTNERS = [
    (
        "Duna Gépgyártó Zrt.",
        "10537914-2-44",
        (True, False, False),
        "erp",
        "Budapest",
        "Váci út 12.",
        "1138",
        "HU",
    ),
    (
        "Tisza Logisztika Kft.",
        "12345676-2-06",
        (True, True, False),
        "erp",
        "Szeged",
        "Kossuth L. u. 5.",
        "6720",
        "HU",
    ),
    (
        "Balaton Food Kft.",
        "10773381-2-19",
        (True, False, False),
        "crm",
        "Veszprém",
        "Óváros tér 3.",
        "8200",
        "HU",
    ),
    ("Mátra Energia Bt.", "", (True, False, False), "crm", "Gyöngyös", "Fő tér 1.", "3200", "HU"),
    (
        "Alföldi Agrár Kft.",
        "",
        (True, False, True),
        "pending_erp_approval",
        "Kecskemét",
        "Rákóczi út 20.",
        "6000",
        "HU",
    ),
    ("Pannon Acél Kft.", "", (False, True, False), "erp", "Győr", "Ipar utca 7.", "9027", "HU"),
    (
        "София Тех ООД",
        "BG175074752",
        (True, False, False),
        "erp",
        "гр. София",
        "бул. „Витоша“ № 15",
        "1000",
        "BG",
    ),
    ("Пловдив Пак ЕООД", "", (True, False, False), "crm", "гр. Пловдив", "ул. „Главна“ № 8", "4000", "BG"),
    ("Варна Марин АД", "", (True, False, True), "crm", "гр. Варна", "бул. „Приморски“ № 2", "9000", "BG"),
    (
        "Euro Components GmbH",
        "DE136695976",
        (False, True, True),
        "erp",
        "München",
        "Leopoldstraße 1",
        "80802",
        "DE",
    ),
]

# More partners of each company: name, tax number base (check digit computed), roles, source, city, street, postal code.
HU_MORE = [
    ("Kőrös Faipari Kft.", "2345671", (True, False, False), "crm", "Szolnok", "Ady Endre út 44.", "5000"),
    ("Bakony Bányászati Zrt.", "1456782", (True, False, False), "erp", "Ajka", "Bánya utca 3.", "8400"),
    ("Hajdú Pékség Kft.", "2567893", (True, False, False), "crm", "Debrecen", "Piac utca 21.", "4024"),
    ("Mecsek Gyógyszer Kft.", "1678904", (True, False, True), "erp", "Pécs", "Rákóczi út 58.", "7621"),
    ("Rába Járműalkatrész Kft.", "2789015", (True, True, False), "erp", "Győr", "Budai út 9.", "9027"),
    ("Zemplén Borászat Bt.", "", (True, False, False), "crm", "Tokaj", "Rákóczi út 12.", "3910"),
]
BG_MORE = [
    (
        "Родопи Мляко ООД",
        "20345678",
        (True, False, False),
        "erp",
        "гр. Смолян",
        "бул. „България“ № 21",
        "4700",
    ),
    (
        "Бургас Логистик ЕООД",
        "10245671",
        (True, True, False),
        "crm",
        "гр. Бургас",
        "ул. „Александровска“ № 40",
        "8000",
    ),
    ("Русе Агро АД", "11734562", (True, False, True), "erp", "гр. Русе", "ул. „Борисова“ № 7", "7000"),
    (
        "Стара Загора Енерджи ООД",
        "",
        (True, False, False),
        "crm",
        "гр. Стара Загора",
        "бул. „Цар Симеон Велики“ № 100",
        "6000",
    ),
    (
        "Търново Строй ЕООД",
        "",
        (True, False, False),
        "crm",
        "гр. Велико Търново",
        "ул. „Независимост“ № 3",
        "5000",
    ),
]


def _hu_tax_number(base: str, county: str = "41") -> str:
    """A valid-looking adószám: the törzsszám's check digit computed (stdnum.hu.anum), VAT code 2."""
    from stdnum.hu import anum

    if not base:
        return ""
    digit = next(d for d in "0123456789" if anum.is_valid(base + d))
    return f"{base}{digit}-2-{county}"


def _bg_tax_number(base: str) -> str:
    """A valid EIK (9 digits, stdnum.bg.vat) as a BG VAT number."""
    from stdnum.bg import vat

    return f"BG{base}{vat.calc_check_digit_legal(base)}" if base else ""


PARTNERS += [
    (name, _hu_tax_number(tax), roles, source, city, street, postal, "HU")
    for name, tax, roles, source, city, street, postal in HU_MORE
] + [
    (name, _bg_tax_number(tax), roles, source, city, street, postal, "BG")
    for name, tax, roles, source, city, street, postal in BG_MORE
]

# partner name -> {company code: (owner username, status, tags)}
ACCOUNTS = {
    "Duna Gépgyártó Zrt.": {"alfa": ("sales1", "active", ["key account"])},
    "Tisza Logisztika Kft.": {"alfa": ("sales2", "active", [])},
    "Balaton Food Kft.": {"alfa": ("sales1", "prospect", ["food"])},
    "Mátra Energia Bt.": {"alfa": ("manager2", "prospect", [])},
    "Alföldi Agrár Kft.": {"alfa": ("sales2", "active", ["agri"])},
    "Pannon Acél Kft.": {"alfa": ("manager1", "inactive", [])},
    "София Тех ООД": {"alfa": ("director", "active", []), "beta": ("ivan", "active", ["VIP"])},
    "Пловдив Пак ЕООД": {"beta": ("ivan", "prospect", [])},
    "Варна Марин АД": {"beta": ("director", "active", [])},
    "Kőrös Faipari Kft.": {"alfa": ("sales1", "active", ["fa"])},
    "Bakony Bányászati Zrt.": {"alfa": ("sales2", "active", ["key account"])},
    "Hajdú Pékség Kft.": {"alfa": ("sales1", "prospect", ["food"])},
    "Mecsek Gyógyszer Kft.": {"alfa": ("manager1", "active", [])},
    "Rába Járműalkatrész Kft.": {"alfa": ("sales2", "active", ["autóipar"])},
    "Zemplén Borászat Bt.": {"alfa": ("manager2", "prospect", ["food"])},
    "Родопи Мляко ООД": {"beta": ("ivan", "active", ["храни"])},
    "Бургас Логистик ЕООД": {"beta": ("ivan", "active", [])},
    "Русе Агро АД": {"beta": ("director", "active", ["агро"])},
    "Стара Загора Енерджи ООД": {"beta": ("ivan", "prospect", [])},
    "Търново Строй ЕООД": {"beta": ("director", "prospect", [])},
    "Euro Components GmbH": {
        "alfa": ("manager1", "active", ["supplier"]),
        "beta": ("director", "inactive", []),
    },
}


def seed(companies: dict[str, Company]) -> None:
    for index, row in enumerate(PARTNERS, start=1):
        name, tax, (customer, supplier, distributor), source, city, street, postal, country = row
        partner, _ = Partner.objects.update_or_create(
            name=name,
            defaults={
                "tax_number": tax,
                "is_customer": customer,
                "is_supplier": supplier,
                "is_distributor": distributor,
                "source": source,
                "erp_id": f"P{index:05d}" if source == "erp" else None,
            },
        )
        PartnerAddress.objects.update_or_create(
            partner=partner,
            kind="seat",
            defaults={"city": city, "street": street, "postal_code": postal, "country": country},
        )
        for code, (owner, status, tags) in ACCOUNTS.get(name, {}).items():
            company = companies[code]
            account, _ = PartnerAccount.objects.update_or_create(
                company=company,
                partner=partner,
                defaults={"owner": User.objects.get(username=owner), "status": status},
            )
            account.tags.set([Tag.objects.get_or_create(company=company, name=tag)[0] for tag in tags])

    _seed_turnover_and_assets(companies["alfa"])


def _seed_turnover_and_assets(company: Company) -> None:
    duna = Partner.objects.get(name="Duna Gépgyártó Zrt.")
    if not Turnover.objects.filter(company=company, partner=duna).exists():
        # The twelve months before this one, growing: the partner page's turnover chart has a year to show.
        this_month = timezone.localdate().replace(day=1)
        for back in range(12, 0, -1):
            period = _months_before(this_month, back)
            Turnover.objects.create(
                company=company, partner=duna, period=period, currency="HUF", from_erp=True,
                amount=Decimal(4_000_000 + (12 - back) * 350_000 + (back % 3) * 180_000),
            )  # fmt: skip
    seat = duna.addresses.get(kind="seat")
    for item, serial, installed in [("Hidraulikus prés HP-40", "HP40-2291", date(2023, 4, 12)),
                                    ("Hűtőegység CU-7", "CU7-0087", date(2025, 9, 2))]:  # fmt: skip
        Asset.objects.update_or_create(
            company=company, partner=duna, serial_number=serial,
            defaults={"item": item, "installed_on": installed, "site": seat},
        )  # fmt: skip


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)
