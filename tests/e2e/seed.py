"""Read the seed certificate (INTEGRATIONS_DOMAIN_LOCK_FINAL.md): its file tree and its tables.

The end-to-end tests compare a migrated branch with what the seed document says. The
document lives outside this repository (`../shared/seed/`), so the tests also carry a copy
of what they need from it; `seed_document()` is None when the file is absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.conftest import ROOT

SEED_PATH = ROOT.parent / "shared" / "seed" / "INTEGRATIONS_DOMAIN_LOCK_FINAL.md"

# "L6", "L2.1", "L5/L6" at the start of an annotation or after "# Layer:".
LAYER = re.compile(r"L\d(?:\.\d)?(?:/L\d)?")
_HEADER_LAYER = re.compile(r"^# Layer:\s*(L\d(?:\.\d)?(?:/L\d)?)", re.IGNORECASE | re.MULTILINE)
_TREE_LINE = re.compile(r"^(?P<indent>(?:[│ ]   )*)(?:├── |└── )(?P<entry>.*)$")


@dataclass
class TreeRoot:
    """One top-level folder of a tree block: its files and the folders it only summarises."""

    files: dict[str, str | None] = field(default_factory=dict)  # path -> annotation
    summaries: dict[str, str] = field(default_factory=dict)  # folder -> "(8 files — ...)"


def seed_document() -> str | None:
    return SEED_PATH.read_text(encoding="utf-8") if SEED_PATH.is_file() else None


def section(text: str, title: str) -> str:
    """The body of the markdown section whose heading is `title` (any level)."""
    lines = text.splitlines()
    # A report may add a count to the heading: "## Violations Remediated (16)".
    wanted = re.compile(rf"#+ {re.escape(title)}(?: \(\d+\))?")
    start = next(i for i, line in enumerate(lines) if wanted.fullmatch(line))
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    body = []
    for line in lines[start + 1 :]:
        heading = re.match(r"^(#+) ", line)
        if heading and len(heading.group(1)) <= level:
            break
        body.append(line)
    return "\n".join(body)


def fenced_block(text: str) -> str:
    match = re.search(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert match is not None, "no fenced block"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """The data rows of the first markdown table in `text`, cells stripped of backticks."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows[2:]  # without the header row and the |---| separator


def parse_tree(block: str) -> dict[str, TreeRoot]:
    """`root/ -> TreeRoot` from a `tree`-style block (box-drawing, 4 columns per level)."""
    roots: dict[str, TreeRoot] = {}
    root: TreeRoot | None = None
    folders: list[str] = []  # folder path at each depth below the root
    for line in block.splitlines():
        if not line.strip():
            continue
        match = _TREE_LINE.match(line)
        if match is None:  # a root line such as "backend/app/hoc/cus/integrations/"
            root = roots.setdefault(line.strip(), TreeRoot())
            folders = []
            continue
        assert root is not None, line
        depth = len(match.group("indent")) // 4
        entry, _, annotation = match.group("entry").partition("#")
        name = entry.strip()
        folders = folders[:depth]
        parent = "".join(folders)
        if name.startswith("("):  # "(8 files — out of scope)": the folder is summarised
            root.summaries[parent] = name
        elif name.endswith("/"):
            folders.append(name)
        else:
            root.files[parent + name] = annotation.strip() or None
    return roots


def annotation_layer(annotation: str | None) -> str | None:
    match = LAYER.match(annotation or "")
    return match.group(0) if match else None


def header_layer(source: str) -> str | None:
    match = _HEADER_LAYER.search(source)
    return match.group(1) if match else None
