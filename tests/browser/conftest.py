"""What the browser tests share: one headless Chromium and one JupyterLab for the whole session, each test with a
fresh page (its own browser context), so that their start-up — seconds each on a busy 2-core machine — is paid
once. The JupyterLab is the student's (coursekit.lab's command line, with every extension of this Python), serving
a temporary folder that holds the widgets notebook (coursekit.browser.lab_server).

Every test here is skipped where Chromium is missing (``python3 course.py test`` installs it where it can).
"""

import pytest

from coursekit.browser import CHROMIUM, lab_server, launch, new_page


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (install it with: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    """The running JupyterLab (a coursekit.browser.LabServer): .root is its folder, .url(name) a file's address."""
    with lab_server(tmp_path_factory.mktemp("lab")) as server:
        yield server
