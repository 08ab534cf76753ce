# The browser test here launches Debian's Chromium the way tests/browser/ does.
from tests.browser.conftest import browser_type_launch_args  # noqa: F401
