"""The student's own copies of the notebooks, in ``my_notebooks/`` (stdlib only; used by course.py).

``notebooks/`` is the course as published: the tests compare it with what the library computes, and
``git pull`` updates it. Students work in ``my_notebooks/`` (ignored by git), a copy made on their first
``course.py lab``. A student's edits are never overwritten: a notebook added to the course later is copied in,
a copy the student has not changed follows the course's changes, and an edited copy of a notebook the course
has changed since is reported, so the student can ``course.py reset`` it (the edited copy is kept in
``my_notebooks/backup/``). ``my_notebooks/`` sits next to ``notebooks/``, so the notebooks'
``../images/...`` links work in both.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

MANIFEST = ".course-copies.json"  # notebook name -> SHA-256 of the course notebook it was copied from


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


def course_notebooks(source: Path) -> list[str]:
    """The course's notebook file names, in order."""
    return sorted(p.name for p in source.glob("*.ipynb"))


def sync_copies(source: Path, work: Path) -> tuple[list[str], list[str]]:
    """Bring work/ up to date with the course without touching the student's edits.

    A notebook work/ lacks is copied in; a copy the student never changed follows the course's changes.
    Returns (copied or updated, changed by the course but edited by the student: left alone).
    """
    work.mkdir(exist_ok=True)
    manifest = _load_manifest(work)
    copied, kept = [], []
    for name in course_notebooks(source):
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
    _save_manifest(work, manifest)
    return copied, kept


def select(names: list[str], wanted: list[str]) -> list[str]:
    """Notebook names matching "all", a number ("3", "03") or a name with or without ".ipynb"."""
    if not wanted:
        raise ValueError("name the notebooks to reset (e.g. 03 or 03_kernel_net.ipynb), or 'all'")
    chosen = []
    for item in wanted:
        if item == "all":
            matches = names
        elif item.isdigit():
            matches = [n for n in names if n.split("_", 1)[0] == f"{int(item):02d}"]
        else:
            stem = Path(item).name.removesuffix(".ipynb")
            matches = [n for n in names if n.removesuffix(".ipynb") == stem]
        if not matches:
            raise ValueError(f"no course notebook matches {item!r}; expected 'all', a number or one of: "
                             + ", ".join(names))
        chosen += [m for m in matches if m not in chosen]
    return chosen


def reset(source: Path, work: Path, names: list[str], stamp: str | None = None) -> list[tuple[str, Path | None]]:
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
