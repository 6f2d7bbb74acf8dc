"""The student's JupyterLab: their own copies of the notebooks in ``my_notebooks/``, and the JupyterLab command.

``notebooks/`` is the course as published: the tests compare it with what the library computes, and ``git pull``
updates it. Students work in ``my_notebooks/`` (ignored by git), copied on their first ``course.py lab``. Their
edits are never overwritten: a notebook added to the course is copied in, a copy the student has not changed
follows the course's changes, an edited copy of a notebook the course has changed since is reported (``course.py
reset`` replaces it; the edited copy goes to ``my_notebooks/backup/``), and an unedited copy of a notebook the
course no longer has under that name (renumbered, removed) is removed. ``my_notebooks/`` sits next to
``notebooks/``, so the notebooks' ``../images/...`` links work in both.

``jupyterlab_command`` is the one JupyterLab command line: ``course.py lab`` runs it, and so does the browser
tests' session (coursekit.browser), so the tests see the student's JupyterLab with every extension it loads.
Importing this module needs only the standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from coursekit import ROOT, STATE
from coursekit.notebooks import COURSE, NOTEBOOKS, Notebook, select

MY_NOTEBOOKS = ROOT / "my_notebooks"
MANIFEST = ".course-copies.json"  # notebook name -> SHA-256 of the course notebook it was copied from
START_PAGE = "lab/tree/my_notebooks/00_start_here.ipynb"


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_manifest(work: Path) -> dict[str, str]:
    try:
        data = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_manifest(work: Path, manifest: dict[str, str]) -> None:
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def sync_copies(work: Path = MY_NOTEBOOKS, source: Path = NOTEBOOKS, course: tuple[Notebook, ...] = COURSE):
    """Bring work/ up to date with the course without touching the student's edits.

    Returns three lists of names: copied or updated; changed by the course but edited by the student (left
    alone); copies of notebooks the course no longer has, each as (name, removed: False when edited and kept).
    """
    work.mkdir(exist_ok=True)
    manifest = _load_manifest(work)
    copied, kept, retired = [], [], []
    for name in [n.name for n in course]:
        original, copy = source / name, work / name
        new_hash = _hash(original)
        if copy.exists() and manifest.get(name) == new_hash:
            continue
        if not copy.exists() or _hash(copy) == manifest.get(name):
            shutil.copyfile(original, copy)
            manifest[name] = new_hash
            copied.append(name)
        else:
            kept.append(name)
    for name in sorted(set(manifest) - {n.name for n in course}):
        copy = work / name
        unedited = copy.exists() and _hash(copy) == manifest[name]
        if unedited:
            copy.unlink()
        if copy.exists() or unedited:
            retired.append((name, unedited))
        del manifest[name]  # reported once; an edited copy is the student's own file from now on
    _save_manifest(work, manifest)
    return copied, kept, retired


def reset(names: list[str], work: Path = MY_NOTEBOOKS, source: Path = NOTEBOOKS, stamp: str | None = None):
    """Replace work/NAME with a fresh copy of source/NAME; an edited old copy moves to work/backup/.

    Returns (name, where the old copy went, or None if there was none or it was unedited) for each name.
    """
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    work.mkdir(exist_ok=True)
    manifest = _load_manifest(work)
    done = []
    for name in names:
        copy, backup = work / name, None
        if copy.exists() and _hash(copy) != manifest.get(name):  # an unedited copy needs no backup
            backup = work / "backup" / f"{copy.stem}-{stamp}.ipynb"
            backup.parent.mkdir(exist_ok=True)
            copy.replace(backup)
        shutil.copyfile(source / name, copy)
        manifest[name] = _hash(source / name)
        done.append((name, backup))
    _save_manifest(work, manifest)
    return done


def renamed_to(name: str, course: tuple[Notebook, ...] = COURSE) -> str | None:
    """The course's current file for an old file name whose number changed (same stem), else None."""
    stem = name.removesuffix(".ipynb").split("_", 1)[-1]
    return next((n.name for n in course if n.stem == stem), None)


def report_sync(copied, kept, retired) -> None:
    if copied:
        print(f"Copied the course's {', '.join(n[:2] for n in copied)} into my_notebooks/ "
              "(yours to edit; notebooks/ stays as published).")
    if kept:
        print(f"note: the course changed {', '.join(kept)} since you started editing your copy; "
              f"`python3 course.py reset {kept[0][:2]}` gets the new one (yours moves to my_notebooks/backup/).")
    for name, removed in retired:
        now = renamed_to(name)
        why = f"it is {now} now" if now else "the course no longer has it"
        print(f"note: my_notebooks/{name}: {why}; "
              + ("your unedited copy was removed." if removed else "your edited copy stays as it is."))


# ------------------------------------------------------------------------------------------- JupyterLab
def write_quiet_settings(settings_dir: Path, overwrite: bool = True) -> None:
    """JupyterLab settings with no "news" pop-up and no update check (nothing may need the network)."""
    path = Path(settings_dir) / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    if path.exists() and not overwrite:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def jupyterlab_command(root_dir: Path, options: list[str]) -> list[str]:
    """The course's JupyterLab (this Python's) serving root_dir, offline and quiet, with extra options."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root_dir}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
           "--log-level=WARN", "--LabApp.log_level=WARN", *options]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root; JupyterLab refuses without this
    return cmd


def jupyterlab_env(state: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """JupyterLab's settings and workspaces under state/ (apart from any other JupyterLab the user has)."""
    dirs = {"JUPYTERLAB_SETTINGS_DIR": state / "settings", "JUPYTERLAB_WORKSPACES_DIR": state / "workspaces"}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    write_quiet_settings(dirs["JUPYTERLAB_SETTINGS_DIR"], overwrite=False)
    return dict(os.environ if base is None else base, **{k: str(v) for k, v in dirs.items()})


def free_port(preferred: int | None = None) -> int:
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port")


def wait_for_server(proc: subprocess.Popen, port: int | str, token: str, timeout_s: float = 60) -> bool:
    """Wait until JupyterLab answers on port; False if it exited first. TimeoutError after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2).close()
            return True
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer on port {port} within {timeout_s:.0f} s")


def option_value(args: list[str], names: tuple[str, ...]) -> str | None:
    """The value of --name=value or --name value in args (the last one wins), else None."""
    value = None
    for i, arg in enumerate(args):
        for name in names:
            if arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
            elif arg == name and i + 1 < len(args):
                value = args[i + 1]
    return value


def lab(args: list[str]) -> int:
    """``course.py lab [JupyterLab options]``: sync my_notebooks/, start JupyterLab, print its address."""
    report_sync(*sync_copies())
    port = option_value(args, ("--port", "--ServerApp.port"))
    token = option_value(args, ("--IdentityProvider.token", "--ServerApp.token"))
    ours = []  # a port and a token of our own unless given, so that the URL printed below is right
    if port is None:
        port = str(free_port(8888))
        ours += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if token is None:
        token = secrets.token_hex(24)
        ours.append(f"--IdentityProvider.token={token}")
    # Serve the repository root: the notebooks' figures live in ../images.
    cmd = jupyterlab_command(ROOT, [f"--LabApp.default_url=/{START_PAGE}", *ours, *args])
    print("Starting JupyterLab ...", flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=jupyterlab_env(STATE / "lab"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` below stops JupyterLab too
    try:
        try:
            wait_for_server(proc, port, token)
        except TimeoutError:
            pass  # print the address anyway: it may still come up
        if proc.poll() is None:
            print(f"\nThe course is open. If no browser window appeared, open this address:\n\n"
                  f"    http://localhost:{port}/{START_PAGE}?token={token}\n\n"
                  "Your notebooks are in my_notebooks/. Stop JupyterLab with Ctrl+C twice.\n", flush=True)
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                continue  # JupyterLab got the Ctrl+C too and asks or shuts down by itself
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def reset_main(argv: list[str]) -> int:
    """``course.py reset 03 | all``: fresh copies in my_notebooks/, edited ones kept in my_notebooks/backup/."""
    parser = argparse.ArgumentParser(prog="course.py reset", description=reset_main.__doc__)
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="notebook numbers (03), file names or 'all'")
    args = parser.parse_args(argv)
    try:
        chosen = select(args.notebooks, default_all=False)
    except ValueError as error:
        print(f"course.py reset: {error}", file=sys.stderr)
        return 2
    for name, backup in reset([n.name for n in chosen]):
        kept = f" (your copy is now {backup.relative_to(ROOT)})" if backup else ""
        print(f"my_notebooks/{name}: a fresh copy of the course's notebook{kept}")
    return 0
