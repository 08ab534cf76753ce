"""Long unbroken text (the longest subject a user may type) wraps: no page scrolls sideways for it, and the
history tables scroll inside their own box at phone width."""

import pytest
from playwright.sync_api import Page

from communications import services
from tests.communications import factories
from tests.factories import PASSWORD, CompanyFactory, member

FUNCTIONS = ("communications.view_thread", "communications.view_task", "communications.change_task")
LONG = "Árvíztűrőtükörfúrógép" * 12  # 252 characters, no space


@pytest.mark.parametrize("width", [1366, 390])
def test_a_long_subject_does_not_widen_the_thread_and_task_pages(live_server, page: Page, width):
    company = CompanyFactory(name="Alfa Kft.", language="en")
    user = member(company, *FUNCTIONS, username="hosszu")
    thread = factories.thread(company, user, subject=LONG)
    task = factories.task(company, user, thread=thread, subject=LONG)
    services.task_update(task=task, actor=user, subject=LONG[:200])  # one history row with a change
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/?next=/threads/{thread.pk}/")
    page.fill("#id_username", "hosszu")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    for path in (f"/threads/{thread.pk}/", f"/tasks/{task.pk}/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector("h1")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} at {width} px scrolls sideways by {overflow} px"
