"""Deep pages (issue 17): page N of a list by its number (OFFSET) against the same page reached by "Next"
(keyset: `?page=N:<id of page N-1's last row>`, core/paging.py).

    DEBUG=false DATABASE_URL=postgres://.../crm_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/deep_pages.py --repeat 15

For the director, a manager and a sales user of gen-1 (bench/pages.py --lists picks them), tasks by
deadline and communications newest first, 100 rows a page: p50 of page 2, 10 and 40 both ways, and
the rows compared (the same ids, or the script fails).
"""

import argparse
import re
import statistics
import time
from urllib.parse import unquote

from _common import django_client_setup, report, setup_django

NEXT = re.compile(r'href="\?[^"]*?page=([0-9]+%3A[0-9]+)[^"]*" rel="next"')
ROW_IDS = re.compile(r'name="selected" value="([0-9]+)" form="bulk-form"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--company", default="gen-1")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.test import Client
    from pages import list_viewers

    company, viewers = list_viewers(args.company)
    lists = {"tasks": "/tasks/?per_page=100", "communications": "/communications/?per_page=100"}
    figures: dict = {}
    for role, user in viewers.items():
        client = Client()
        client.force_login(user)
        for name, url in lists.items():
            for number in (2, 10, 40):
                before = client.get(f"{url}&page={number - 1}").content.decode()
                found = NEXT.search(before)
                if not found:
                    figures[f"{role}: {name} page {number}"] = "list shorter"
                    continue
                by_number, by_key = f"{url}&page={number}", f"{url}&page={unquote(found.group(1))}"
                rows = {}
                times = {}
                for label, address in (("number", by_number), ("keyset", by_key)):
                    client.get(address)
                    samples = []
                    for _ in range(args.repeat):
                        start = time.perf_counter()
                        response = client.get(address)
                        samples.append((time.perf_counter() - start) * 1000)
                    rows[label] = ROW_IDS.findall(response.content.decode())
                    times[label] = statistics.median(samples)
                assert rows["number"] == rows["keyset"] and len(rows["number"]) == 100, (role, name, number)
                figures[f"{role}: {name} page {number} p50 ms (number / keyset)"] = (
                    f"{times['number']:.1f} / {times['keyset']:.1f}"
                )
    report("deep_pages", figures)


if __name__ == "__main__":
    main()
