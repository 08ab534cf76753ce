"""Demo partners: a shared master with each company's private data. Idempotent."""

from datetime import date
from decimal import Decimal

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
    ("Sofia Tech OOD", "BG175074752", (True, False, False), "erp", "Sofia", "bul. Vitosha 15", "1000", "BG"),
    ("Plovdiv Pack EOOD", "", (True, False, False), "crm", "Plovdiv", "ul. Glavna 8", "4000", "BG"),
    ("Varna Marine AD", "", (True, False, True), "crm", "Varna", "bul. Primorski 2", "9000", "BG"),
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

# partner name -> {company code: (owner username, status, tags)}
ACCOUNTS = {
    "Duna Gépgyártó Zrt.": {"alfa": ("sales1", "active", ["key account"])},
    "Tisza Logisztika Kft.": {"alfa": ("sales2", "active", [])},
    "Balaton Food Kft.": {"alfa": ("sales1", "prospect", ["food"])},
    "Mátra Energia Bt.": {"alfa": ("manager2", "prospect", [])},
    "Alföldi Agrár Kft.": {"alfa": ("sales2", "active", ["agri"])},
    "Pannon Acél Kft.": {"alfa": ("manager1", "inactive", [])},
    "Sofia Tech OOD": {"alfa": ("director", "active", []), "beta": ("ivan", "active", ["VIP"])},
    "Plovdiv Pack EOOD": {"beta": ("ivan", "prospect", [])},
    "Varna Marine AD": {"beta": ("director", "active", [])},
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
    for month in range(1, 11):
        Turnover.objects.update_or_create(
            company=company, partner=duna, period=date(2026, month, 1), currency="HUF",
            defaults={"amount": Decimal(4_000_000 + month * 350_000), "from_erp": True},
        )  # fmt: skip
    seat = duna.addresses.get(kind="seat")
    for item, serial, installed in [("Hydraulic press HP-40", "HP40-2291", date(2023, 4, 12)),
                                    ("Cooling unit CU-7", "CU7-0087", date(2025, 9, 2))]:  # fmt: skip
        Asset.objects.update_or_create(
            company=company, partner=duna, serial_number=serial,
            defaults={"item": item, "installed_on": installed, "site": seat},
        )  # fmt: skip
