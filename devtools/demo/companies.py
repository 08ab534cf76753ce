"""Demo companies, people, groups and hierarchy. Idempotent: natural keys everywhere."""

from django.contrib.auth.models import Group, Permission

from companies.models import Company, Department, Membership, SupervisorEdge, User

DEMO_PASSWORD = "demo-Pass-2026"

CONTACT_FUNCTIONS = ["contacts.view_contact", "contacts.add_contact", "contacts.change_contact"]
EVENT_FUNCTIONS = ["events.view_event", "events.add_event", "events.change_event", "events.delete_event"]
COMMUNICATION_FUNCTIONS = [
    f"communications.{action}_{model}"
    for model in ("thread", "communication", "task")
    for action in ("view", "add", "change")
]
GDPR_FUNCTIONS = ["contacts.export_contact_data", "contacts.anonymise_contact"]

GROUPS: dict[str, list[str]] = {
    "Sales": [
        "partners.view_partner",
        "partners.add_partner",
        "partners.change_partner",
        *CONTACT_FUNCTIONS,
        *EVENT_FUNCTIONS,
        *COMMUNICATION_FUNCTIONS,
    ],
    "Sales managers": [
        "partners.view_partner",
        "partners.add_partner",
        "partners.change_partner",
        "partners.export_partners",
        "imports.run_import",
        "team.view_team_activity",
        *CONTACT_FUNCTIONS,
        *EVENT_FUNCTIONS,
        "events.close_subordinate_event",
        *COMMUNICATION_FUNCTIONS,
    ],
    "Finance": [
        "receivables.view_receivables",
        "receivables.run_dunning",
        "partners.view_partner",
        "companies.view_all_company_data",
        "partners.export_partners",
        "contacts.view_contact",
        *EVENT_FUNCTIONS,
        *COMMUNICATION_FUNCTIONS,
    ],
    "Company admins": [
        "companies.manage_hierarchy",
        "companies.view_all_company_data",
        "partners.view_partner",
        "partners.add_partner",
        "partners.change_partner",
        "partners.delete_partner",
        "partners.export_partners",
        "partners.promote_counterparty",
        "imports.run_import",
        "team.view_team_activity",
        *CONTACT_FUNCTIONS,
        *GDPR_FUNCTIONS,
        *EVENT_FUNCTIONS,
        "events.close_subordinate_event",
        "events.configure_event_types",
        "receivables.view_receivables",
        "receivables.run_dunning",
        *COMMUNICATION_FUNCTIONS,
    ],
}

# username: (first, last, email, superuser, {company code: (groups, department path, title)})
PEOPLE: dict[str, tuple] = {
    "admin": (
        "Ada",
        "Admin",
        "admin@example.com",
        True,
        {
            "alfa": (["Company admins"], None, "System administrator"),
            "beta": (["Company admins"], None, "System administrator"),
        },
    ),
    "director": (
        "Dóra",
        "Kovács",
        "dora.kovacs@example.com",
        False,
        {
            "alfa": (["Sales managers"], "Sales", "Sales director"),
            "beta": (["Sales managers"], "Sales", "Sales director"),
        },
    ),
    "manager1": (
        "Márk",
        "Szabó",
        "mark.szabo@example.com",
        False,
        {
            "alfa": (["Sales managers"], "Sales/Key accounts", "Key account manager"),
        },
    ),
    "manager2": (
        "Nóra",
        "Tóth",
        "nora.toth@example.com",
        False,
        {
            "alfa": (["Sales managers"], "Sales/Field sales", "Field sales manager"),
        },
    ),
    "sales1": (
        "Péter",
        "Nagy",
        "peter.nagy@example.com",
        False,
        {
            "alfa": (["Sales"], "Sales/Field sales", "Sales representative"),
        },
    ),
    "sales2": (
        "Eszter",
        "Horváth",
        "eszter.horvath@example.com",
        False,
        {
            "alfa": (["Sales"], "Sales/Key accounts", "Sales representative"),
        },
    ),
    "finance": (
        "Gábor",
        "Varga",
        "gabor.varga@example.com",
        False,
        {
            "alfa": (["Finance"], "Finance", "Credit controller"),
            "beta": (["Finance"], "Finance", "Credit controller"),
        },
    ),
    "ivan": (
        "Иван",
        "Петров",
        "ivan.petrov@example.com",
        False,
        {
            "beta": (["Sales"], "Sales", "Търговски представител"),
        },
    ),
}

# (company, supervisor, subordinate): director above two managers who share sales1 (a diamond).
EDGES = [
    ("alfa", "director", "manager1"),
    ("alfa", "director", "manager2"),
    ("alfa", "manager1", "sales1"),
    ("alfa", "manager2", "sales1"),
    ("alfa", "manager1", "sales2"),
    ("beta", "director", "ivan"),
]


def _department(company: Company, path: str | None) -> Department | None:
    if not path:
        return None
    parent = None
    for name in path.split("/"):
        parent, _ = Department.objects.get_or_create(company=company, parent=parent, name=name)
    return parent


# The controller and payment details that dunning letters and privacy notices print.
LEGAL_DETAILS: dict[str, dict[str, str]] = {
    "alfa": {
        "registered_seat": "1138 Budapest, Váci út 141.",
        "registration_number": "01-09-123456",
        "tax_number": "11234566-2-41",
        "privacy_contact": "Kiss Judit, adatvédelmi tisztviselő",
        "privacy_email": "adatvedelem@alfa-kft.example",
        "bank_name": "OTP Bank Nyrt.",
        "bank_account": "11773016-01234567-00000008",
        "payment_contact_name": "Varga Gábor",
        "payment_contact_phone": "+36 1 234 5678",
        "payment_contact_email": "penzugy@alfa-kft.example",
    },
    "beta": {
        "registered_seat": "гр. София 1000, ул. „Граф Игнатиев“ № 15",
        "registration_number": "204567893",
        "tax_number": "BG204567893",
        "privacy_contact": "Мария Иванова, длъжностно лице по защита на данните",
        "privacy_email": "privacy@beta-trade.example",
        "bank_name": "УниКредит Булбанк АД",
        "bank_account": "BG80BNBG96611020345678",
        "payment_contact_name": "Габор Варга",
        "payment_contact_phone": "+359 2 987 6543",
        "payment_contact_email": "finance@beta-trade.example",
    },
}
# Who gets the follow-up tasks of bounced dunning letters in each company.
COLLECTION_OWNERS = {"alfa": "finance", "beta": "finance"}


def seed() -> dict[str, Company]:
    companies = {
        "alfa": Company.objects.update_or_create(
            code="alfa",
            defaults={
                "name": "Alfa Kereskedelmi Kft.",
                "country": "HU",
                "language": "hu",
                "currency": "HUF",
                **LEGAL_DETAILS["alfa"],
            },
        )[0],
        "beta": Company.objects.update_or_create(
            code="beta",
            defaults={
                "name": "Beta Trade EOOD",
                "country": "BG",
                "language": "bg",
                "currency": "BGN",
                **LEGAL_DETAILS["beta"],
            },
        )[0],
    }
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.get(content_type__app_label=code.split(".")[0], codename=code.split(".")[1])
            for code in codes
        ]
        group.permissions.set(perms)
    for username, (first, last, email, superuser, places) in PEOPLE.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "is_superuser": superuser,
                "is_staff": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for code, (groups, department_path, title) in places.items():
            company = companies[code]
            membership, _ = Membership.objects.update_or_create(
                user=user,
                company=company,
                defaults={"department": _department(company, department_path), "job_title": title},
            )
            membership.groups.set(Group.objects.filter(name__in=groups))
    for code, boss, report in EDGES:
        SupervisorEdge.objects.get_or_create(
            company=companies[code],
            supervisor=User.objects.get(username=boss),
            subordinate=User.objects.get(username=report),
        )
    for code, username in COLLECTION_OWNERS.items():
        companies[code].collection_owner = User.objects.get(username=username)
        companies[code].save(update_fields=["collection_owner"])
    return companies
