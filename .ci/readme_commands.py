"""Print one of the README's two set-up commands, exactly as a new user would paste it.

    python3 .ci/readme_commands.py demo|tests

The command is the first ```sh block after the paragraph that opens with
"**Run the demo**" or "**Run the tests**"; CI runs what the README says, not a copy of it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HEADINGS = {"demo": "**Run the demo**", "tests": "**Run the tests**"}


def command(which: str, readme: str) -> str:
    start = readme.find(HEADINGS[which])
    if start < 0:
        raise SystemExit(f"README.md has no paragraph starting {HEADINGS[which]!r}")
    match = re.compile(r"^```sh\n(.*?)^```", re.S | re.M).search(readme, start)
    if match is None:
        raise SystemExit(f"README.md has no ```sh block after {HEADINGS[which]!r}")
    lines = [
        ln for ln in match.group(1).splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if len(lines) != 1:
        raise SystemExit(
            f"the {which} block of README.md must hold one command line, not {len(lines)}"
        )
    return lines[0]


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in HEADINGS:
        raise SystemExit("usage: readme_commands.py demo|tests")
    root = Path(__file__).resolve().parent.parent
    print(command(sys.argv[1], (root / "README.md").read_text(encoding="utf-8")))
