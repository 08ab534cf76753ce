"""Partner fragment search and the global search, through the real Django stack (test client).

    DATABASE_URL=postgres://.../crm_bench python bench/search.py --repeat 30

Prints p50/p95 and SQL query counts per search text, and the EXPLAIN ANALYZE of the queries behind
one partner search and one global search. Targets (issue 9): partner search by name fragment
p95 < 100 ms; global search (partners, contacts, communications, tasks) p95 < 300 ms.
`--partners-only` runs only the partner list searches (for code without the global search).
"""

import argparse
from urllib.parse import quote

from _common import (
    bench_manager,
    django_client_setup,
    explain,
    report,
    seq_scans_on_big_tables,
    setup_django,
    time_pages,
)

# Fragments of the generated names: "Gen Partner 0001234 Kft.", "Contact 1234", "Communication 1234",
# "Task 1234", numbers "IN-2026-001234"; a common word; and a text nothing matches.
PARTNER_TEXTS = ["Partner 00012", "0004321", "artner 0099", "Kft"]
SEARCHED = (
    "partners_partneraccount",
    "contacts_contact",
    "communications_communication",
    "communications_task",
)
GLOBAL_TEXTS = ["Partner 00012", "12345", "Contact 2024", "Communication 4711", "IN-2026-0001", "Kft", "zzqx"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--company", default="gen-1")
    parser.add_argument("--partners-only", action="store_true")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.test import Client

    from companies.visibility import Viewer

    company, manager = bench_manager(args.company)
    client = Client()
    client.force_login(manager)
    viewer = Viewer.for_user(manager, company)
    figures: dict = {
        "manager": f"{manager.username}, sees the whole company: {viewer.sees_all}",
        "manager_subordinates": len(viewer.visible_user_ids) - 1,
    }
    partner_pages = {f"partners ?q={text}": f"/partners/?q={quote(text)}" for text in PARTNER_TEXTS}
    last = time_pages(client, partner_pages, args.repeat, figures)
    explained = {f"partners ?q={PARTNER_TEXTS[0]}": 'FROM "partners_partneraccount"'}
    if not args.partners_only:
        global_pages = {f"search ?q={text}": f"/search/?q={quote(text)}" for text in GLOBAL_TEXTS}
        last |= time_pages(client, global_pages, args.repeat, figures)
        explained[f"search ?q={GLOBAL_TEXTS[1]}"] = "FROM "
    scans = []
    for page, marker in explained.items():
        for sql in (query["sql"] for query in last[page]):
            if marker in sql and any(table in sql for table in SEARCHED):
                plan = explain(sql)
                print(f"\n-- {page}\n{sql}\n{plan}")
                scans += seq_scans_on_big_tables(plan)
    figures["seq scans on big tables"] = sorted(set(scans)) or "none"
    report("search", figures)


if __name__ == "__main__":
    main()
