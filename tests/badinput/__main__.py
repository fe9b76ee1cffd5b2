"""``python -m tests.badinput FOLDER``: write the bad-input corpus into FOLDER and list it."""

from __future__ import annotations

import sys
from pathlib import Path

from . import generate


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.badinput FOLDER", file=sys.stderr)
        return 2
    for case, path in generate(Path(argv[0])):
        print(f"{path.name}\tconvert {case.convert}: {case.convert_says}\t"
              f"validate {case.validate}: {case.validate_says}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
