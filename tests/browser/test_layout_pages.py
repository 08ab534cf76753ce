"""Issue 18's proof over every page reachable from the navigation, in a real Chromium.

The demo data (``seed_demo``: Hungarian and Bulgarian companies, real-looking partners, threads, tasks,
events, invoices) is loaded once; then, as a sales user, a manager and finance, at a laptop size
(1366x768) and a phone size (390x844), every page of the user's menu (read from the page itself, so a
page added to the navigation is checked from then on) plus a partner page and a thread must:

- not scroll sideways (document width within the viewport);
- keep the top bar to one row on the laptop size;
- pass an axe-core scan (axe-playwright-python) with no violation of impact "serious" or "critical".

All problems are collected and reported together, naming the role, size, page and the element.
"""

import io

from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser

ROLES = ("sales1", "manager1", "finance")
SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
PASSWORD = "demo-Pass-2026"  # devtools/demo/companies.py DEMO_PASSWORD
BLOCKING = {"serious", "critical"}

# The widest elements, to say what makes a page scroll sideways.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0 && getComputedStyle(el).visibility !== 'hidden') {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(name + ' (' + Math.round(box.right) + 'px)');
    }
  }
  return out.slice(0, 4);
}"""

# The top bar's children must sit on one line: their tops within a few pixels of each other.
TOPBAR_ROWS = """() => {
  const bar = document.querySelector('header.topbar');
  if (!bar) return {height: 0, rows: 0};
  const tops = [...bar.children].filter(el => el.getBoundingClientRect().width > 0)
    .map(el => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2));
  const rows = new Set(tops.map(top => Math.round(top / 12))).size;
  return {height: bar.getBoundingClientRect().height, rows};
}"""


def log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded", timeout=60_000):
        page.click("main button[type=submit]")
    assert page.locator("header.topbar #user-menu").count(), (
        f"{username} is not logged in: {page.url} {page.title()} {page.locator('main').inner_text()[:300]}"
    )


def reachable_pages(page, url: str) -> list[tuple[str, str]]:
    """The user's menu (sidebar and user menu) and the first partner and thread of their lists."""
    page.goto(f"{url}/")
    links = page.eval_on_selector_all(
        "#sidebar a[data-nav], .user-menu a[data-nav]",
        "links => links.map(a => [a.dataset.nav, a.getAttribute('href')])",
    )
    pages = [(key, href) for key, href in links if key != "admin"]  # Django's own admin is not ours
    for key, list_path, selector in (
        ("partner page", "/partners/", "#partner-rows a[href^='/partners/']"),
        ("thread page", "/threads/", "main table a[href^='/threads/']"),
    ):
        if any(href == list_path for _, href in pages):
            page.goto(url + list_path)
            first = page.locator(selector).first
            if first.count():
                pages.append((key, first.get_attribute("href")))
    return pages


def check_page(page, axe: Axe, where: str, size: str) -> list[str]:
    problems = []
    width = SIZES[size]["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{where}: scrolls sideways ({scroll_width}px > {width}px): {page.evaluate(WIDEST)}")
    if size == "laptop":
        bar = page.evaluate(TOPBAR_ROWS)
        if bar["rows"] > 1 or bar["height"] > 64:
            problems.append(f"{where}: the top bar takes {bar['rows']} rows, {bar['height']:.0f}px")
    results = axe.run(page)
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"][:3]]
            problems.append(
                f"{where}: axe {violation['impact']} {violation['id']} ({violation['help']}) at {targets}"
            )
    return problems


def test_every_page_of_the_menu_fits_and_passes_axe(live_server, browser: Browser, settings):
    settings.LANGUAGE_FOLLOWS_COMPANY = True  # as installed: Hungarian and Bulgarian pages, the longer words
    call_command("seed_demo", stdout=io.StringIO())
    axe = Axe()
    problems: list[str] = []
    checked = 0
    for role in ROLES:
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="en-GB")
            page = context.new_page()
            log_in(page, live_server.url, role)
            pages = reachable_pages(page, live_server.url)
            assert len(pages) >= 6, f"{role} reaches only {pages}"
            for key, path in pages:
                response = page.goto(live_server.url + path, wait_until="domcontentloaded")
                where = f"{role} {size} {key} {path}"
                if response is None or response.status != 200:
                    problems.append(f"{where}: answered {response and response.status}")
                    continue
                page.wait_for_load_state("load")
                problems += check_page(page, axe, where, size)
                checked += 1
            context.close()
    assert checked >= 3 * 2 * 8
    assert not problems, f"{len(problems)} problems on {checked} pages:\n" + "\n".join(problems)
