"""The student's JupyterLab loads every extension of its environment without an error in the browser's console.

The JupyterLite builder once came into the student's .venv with the test packages; the JupyterLab extension it
brings then failed in the student's JupyterLab ("Shared module @jupyterlite/services doesn't exist in shared scope
default" in the console), which is why the site now builds in an environment of its own (.course/site-venv).
Here the JupyterLab that ``course.py lab`` starts — its command line from coursekit.lab, this Python's extensions
— opens in Chromium, and nothing may be logged as an error while it loads them.
"""


def test_the_students_jupyterlab_loads_without_a_console_error(lab, page):
    from playwright.sync_api import expect

    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lab.url())
    # JupyterLab shows its shell (and the launcher) only after every extension has been loaded or has failed to.
    expect(page.locator(".jp-LabShell .jp-Launcher").first).to_be_visible()
    expect(page.locator(".jp-DirListing-item", has_text="widgets.ipynb")).to_be_visible()  # the file browser works
    assert errors == [], "the student's JupyterLab logged errors in the browser:\n" + "\n".join(errors)
