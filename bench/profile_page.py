"""Where a page's time goes: cProfile of one page through the real Django stack (test client).

    DEBUG=false DATABASE_URL=postgres://.../crm_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/profile_page.py "/partners/?q=Partner%2000012" --repeat 20

Logs in as the manager bench/pages.py uses (or --username), requests the page once to warm caches, then
profiles --repeat requests and prints the functions by cumulative and by own time. Not a benchmark: the
profiler slows Python down by about half; compare the shares, not the milliseconds.
"""

import argparse
import cProfile
import io
import pstats
import time

from _common import bench_manager, django_client_setup, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--company", default="gen-1")
    parser.add_argument("--username", default="")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--callees", default="", help="also print what functions matching this call")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.test import Client

    from companies.models import User

    company, manager = bench_manager(args.company)
    user = User.objects.get(username=args.username) if args.username else manager
    client = Client()
    client.force_login(user)
    response = client.get(args.url)
    assert response.status_code == 200, response.status_code
    started = time.perf_counter()
    for _ in range(args.repeat):
        client.get(args.url)
    plain = (time.perf_counter() - started) / args.repeat * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(args.url)
    profiler.disable()
    print(f"{args.url} as {user.username}: {plain:.1f} ms a request without the profiler")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(args.lines)
        print(out.getvalue())
    if args.callees:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_callees(args.callees)
        print(out.getvalue())


if __name__ == "__main__":
    main()
