"""The replay's Markdown table: one row per project, the details left to the JSON."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

COLUMNS = (
    "project",
    "version",
    "layout",
    "files",
    "moves",
    "validate",
    "dry-run (exit, s)",
    "apply (exit, s, verdict)",
    "base tests (pass/fail/error)",
    "branch tests (pass/fail/error)",
    "new lint findings",
    "entry points ok",
    "verdict honest?",
    "notes",
)


def table(records: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cell(value) for value in row(record)) + " |" for record in records]
    return "\n".join(lines)


def row(record: dict[str, Any]) -> list[str]:
    hoc = record.get("hoc")
    head = [
        record["project"],
        record["version"],
        record["layout"],
        str(record.get("files", "")),
        str(record.get("moves", "")),
    ]
    if hoc is None:
        return [*head, *[""] * (len(COLUMNS) - len(head) - 1), record["status"]]
    base = record["base"]
    branch = record.get("branch") or {}
    dry, applied = hoc["dry_run"], hoc["apply"]
    return [
        *head,
        "ok" if hoc["validate"]["exit"] == 0 else f"exit {hoc['validate']['exit']}",
        f"{dry['exit']}, {dry['seconds']}",
        f"{applied['exit']}, {applied['seconds']}, {hoc['verdict']}",
        _suite(base["suite"]),
        _suite(branch["suite"]) + _source(branch) if "suite" in branch else "not measured",
        _lint(record),
        record.get("entry_points_ok", "—"),
        record.get("honest", "?"),
        notes(record),
    ]


def _suite(suite: dict[str, Any]) -> str:
    if suite["problem"]:
        return f"no report (exit {suite['exit']})"
    return f"{suite['passed']}/{suite['failed']}/{suite['errors']}"


def _source(branch: dict[str, Any]) -> str:
    return " (dry-run diff)" if branch.get("source", "").startswith("the dry-run") else ""


def _lint(record: dict[str, Any]) -> str:
    new = record.get("new_lint")
    if new is None:
        return "—"
    total = sum(new.values())
    if not total:
        return "0"
    codes: Counter[str] = Counter()
    for key, count in new.items():
        codes[key.rpartition("::")[2]] += count
    top = ", ".join(f"{code} {count}" for code, count in codes.most_common(4))
    return f"{total} ({top})"


def notes(record: dict[str, Any]) -> str:
    """Why a row looks the way it does, in a few words: the first thing that went wrong."""
    hoc = record["hoc"]
    out = []
    if hoc["validate"]["exit"] != 0:
        out.append("validate: " + _first_problem(hoc["validate"]["summary"]))
    elif hoc["verdict"] != "verified":
        out.append("apply: " + (hoc.get("apply_reason") or _first_problem(hoc["apply"]["summary"])))
    if hoc["diff_applies"] is False:
        out.append("dry-run diff does not apply")
    branch = record.get("branch") or {}
    broken = [name for name, error in branch.get("imports", {}).items() if error]
    if broken:
        out.append("import fails: " + ", ".join(broken))
    bad_eps = [ep["name"] for ep in branch.get("entry_points", []) if not ep["ok"]]
    if bad_eps:
        out.append("broken entry points: " + ", ".join(bad_eps[:4]))
    reinstall = branch.get("reinstall") or {}
    if reinstall.get("exit"):
        out.append("pip install -e . fails on the branch: " + reinstall.get("error", ""))
    lost = record.get("wheel_lost") or []
    if lost and lost[0].startswith("no wheel: "):
        out.append("pip wheel fails on the branch: " + lost[0].removeprefix("no wheel: "))
    elif lost:
        out.append(f"wheel lacks {len(lost)} file(s): " + ", ".join(lost[:3]))
    refs = len(hoc["apply_references"]) or len(hoc["dry_run_references"])
    if refs:
        out.append(f"{refs} reference(s) to review")
    return "; ".join(out)


def _first_problem(summary: str) -> str:
    """The first line that names a problem: not a heading ("... (2 problems)"), not a pass."""
    for line in summary.splitlines():
        text = line.strip()
        if not text or text.startswith(("PASSED", "SKIPPED", "output")):
            continue
        if re.search(r"\(\d+ problems?\)$", text):
            continue
        # "/long/path/plan.yaml: message" -> "message"
        head, sep, rest = text.partition(".yaml: ")
        return (rest if sep and "/" in head else text)[:160]
    return summary.strip()[:160]


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")
