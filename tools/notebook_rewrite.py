"""The command line shared by the tools that rewrite part of every course notebook (make_install_cell.py,
slide_metadata.py): pick the notebooks by number, write the ones that change, or with --check only say which
would change (exit 1)."""

import argparse
from pathlib import Path


def main(argv, description: str, notebooks: Path, transform, what: str) -> int:
    """``transform(path) -> (new text, old text)`` for one notebook; ``what`` names what it writes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("numbers", nargs="*", help="two-digit notebook numbers (default: every notebook)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    paths = [p for p in sorted(Path(notebooks).glob("[0-9][0-9]_*.ipynb"))
             if not args.numbers or p.name[:2] in args.numbers]
    stale = []
    for path in paths:
        new_text, old_text = transform(path)
        if new_text == old_text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(new_text, encoding="utf-8")
            print(f"{path.name}: {what} written")
    if args.check and stale:
        print(f"{what} missing or out of date in: " + ", ".join(stale))
        return 1
    return 0
