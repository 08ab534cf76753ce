"""Screenshots of the main pages for a reviewer: every page of the navigation (plus a partner page and a
thread), in English, Hungarian and Bulgarian, at a laptop size (1366x768) and a phone size (390x844).

    createdb -h 127.0.0.1 -U postgres crm_shots
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_shots .venv/bin/python bench/screenshots.py --seed

It starts the development server on a free local port against DATABASE_URL (``--seed`` migrates and
loads ``seed_demo`` first), logs in as each demo role through Chromium (Debian's /usr/bin/chromium) and
writes ``<out>/<language>/<size>/<role>-<page>.png`` (full pages), then prints what it wrote and the
pages that scroll sideways. Options: ``--roles sales1 manager1 finance``, ``--languages en hu bg``,
``--sizes laptop phone``, ``--out var/screenshots``, ``--pages partners tasks`` (keys of the menu).
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
DEMO_PASSWORD = "demo-Pass-2026"  # devtools/demo/companies.py


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - our own manage.py


def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urlopen(f"{url}/health/", timeout=5)  # noqa: S310 - our own local server
            return server, url
        except OSError:
            if server.poll() is not None:
                raise SystemExit("the development server did not start") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the development server did not answer within 120 s")


def log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda address: "/accounts/login/" not in address)


def pages_of(page, url: str, wanted: list[str] | None) -> list[tuple[str, str]]:
    """(key, path) of the menu's pages, then the first partner and thread of their lists."""
    page.goto(f"{url}/")
    links = page.eval_on_selector_all(
        "#sidebar a[data-nav]", "links => links.map(a => [a.dataset.nav, a.getAttribute('href')])"
    )
    found = [(key, href) for key, href in links if key != "admin"]
    extra = []
    for key, list_path, selector in (
        ("partner-page", "/partners/", "#partner-rows a[href^='/partners/']"),
        ("thread-page", "/threads/", "main table a[href^='/threads/']"),
    ):
        if not any(href == list_path for _, href in found):
            continue
        page.goto(url + list_path)
        first = page.locator(selector).first
        if first.count():
            extra.append((key, first.get_attribute("href")))
    pages = found + extra
    return [(key, href) for key, href in pages if not wanted or key in wanted]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", action="store_true", help="migrate and load seed_demo first")
    parser.add_argument("--roles", nargs="+", default=["sales1", "manager1", "finance"])
    parser.add_argument("--languages", nargs="+", default=["en", "hu", "bg"])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--pages", nargs="*", help="menu keys (data-nav) to take; default all")
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL to a database of its own (see the docstring)")

    env = {**os.environ, "DEBUG": "true", "CRM_DEVTOOLS": "true"}
    if args.seed:
        manage("migrate", "-v0", env=env)
        manage("seed_demo", env=env)
    server, url = start_server(env)
    out = Path(args.out)
    written, sideways = 0, []
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for role in args.roles:
                for size in args.sizes:
                    for language in args.languages:
                        context = browser.new_context(viewport=SIZES[size], locale=language)
                        context.add_cookies([{"name": "django_language", "value": language, "url": url}])
                        page = context.new_page()
                        log_in(page, url, role)
                        folder = out / language / size
                        folder.mkdir(parents=True, exist_ok=True)
                        if not args.pages:  # the drawer behind the menu button (phone), the user menu
                            page.goto(f"{url}/")
                            page.click("[data-menu-toggle]" if size == "phone" else "#user-menu")
                            page.wait_for_timeout(400)  # the drawer slides in (0.2 s)
                            page.screenshot(path=str(folder / f"{role}-menu-open.png"))
                            written += 1
                        for key, path in pages_of(page, url, args.pages):
                            page.goto(url + path)
                            page.wait_for_load_state("networkidle")
                            width = page.evaluate("document.documentElement.scrollWidth")
                            if width > SIZES[size]["width"]:
                                sideways.append(f"{language} {size} {role} {path}: {width}px")
                            page.screenshot(path=str(folder / f"{role}-{key}.png"), full_page=True)
                            written += 1
                        context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{written} screenshots in {out}/<language>/<size>/<role>-<page>.png")
    print("pages that scroll sideways:", *(sideways or ["none"]), sep="\n  ")


if __name__ == "__main__":
    main()
