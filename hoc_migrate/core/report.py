"""Pure rendering of a run: the verification summary and the PR description (PR.md).

The certificate lives in `core/certificate.py`; both read a RunSummary and print only what
the run measured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hoc_migrate.core.changes import FileChange
from hoc_migrate.core.layers.debt import DebtEntry
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.run_summary import RunSummary, short
from hoc_migrate.core.verification import (
    AcceptedFinding,
    CheckOutcome,
    CheckStatus,
    LayerComparison,
    VerificationReport,
)

_MARK = {CheckStatus.PASSED: "✅", CheckStatus.FAILED: "❌", CheckStatus.SKIPPED: "⏭️"}
OUTPUT_TAIL_LINES = 60


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def code(text: object) -> str:
    """A Markdown code span that holds any text, backticks included (CommonMark: a fence
    longer than any backtick run inside, padded when the text starts or ends with one)."""
    body = cell(text)
    runs = [len(r) for r in re.findall(r"`+", body)]
    fence = "`" * (max(runs, default=0) + 1)
    if body.startswith("`") or body.endswith("`"):
        body = f" {body} "
    return f"{fence}{body}{fence}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def tail(text: str, lines: int = OUTPUT_TAIL_LINES) -> str:
    kept = text.rstrip("\n").splitlines()
    if len(kept) <= lines:
        return "\n".join(kept)
    return "\n".join([f"... ({len(kept) - lines} earlier lines)"] + kept[-lines:])


# -- verification ---------------------------------------------------------------------------
def verification_lines(report: VerificationReport) -> list[str]:
    """A plain-text summary: one line per check, then its details (what failed, or what a
    passed check found already broken on the base)."""
    lines = []
    for check in report.checks:
        lines.append(f"{check.status.value.upper():<8} {check.name}: {check.summary}")
        lines.extend(f"         {d}" for d in check.details)
        if check.failed and check.output:
            lines.append("         output (last lines):")
            lines.extend(f"           {line}" for line in tail(check.output, 20).splitlines())
    verdict = "verification passed" if report.passed else "verification FAILED"
    failed = ", ".join(c.name for c in report.failures)
    lines.append(verdict + (f": {failed}" if failed else ""))
    return lines


def verification_table(report: VerificationReport) -> list[str]:
    out = ["| Check | Result | Details |", "|---|---|---|"]
    for check in report.checks:
        details = "; ".join(check.details[:5])
        if len(check.details) > 5:
            details += f"; ... ({len(check.details) - 5} more)"
        out.append(
            f"| {cell(check.name)} | {_MARK[check.status]} {check.status.value} "
            f"| {cell(check.summary)}{'. ' + cell(details) if details else ''} |"
        )
    return out


def _outputs(report: VerificationReport) -> list[str]:
    out: list[str] = []
    for check in report.checks:
        if check.output:
            out += [
                "",
                f"<details><summary>{check.name} output ({check.status.value})</summary>",
                "",
                "```",
                tail(check.output),
                "```",
                "</details>",
            ]
    return out


# -- layer check ----------------------------------------------------------------------------
def rule_table(comparison: LayerComparison) -> list[str]:
    before, after = comparison.before.by_rule(), comparison.after.by_rule()
    rules = sorted(set(before) | set(after))
    out = ["| Rule | Before | After | Change |", "|---|---:|---:|---:|"]
    for rule in rules:
        b, a = before.get(rule, 0), after.get(rule, 0)
        out.append(f"| {rule} | {b} | {a} | {a - b:+d} |")
    b_all, a_all = len(comparison.before.findings), len(comparison.after.findings)
    b_err, a_err = len(comparison.before.errors), len(comparison.after.errors)
    out.append(f"| **all findings** | {b_all} | {a_all} | {a_all - b_all:+d} |")
    out.append(f"| **errors** | {b_err} | {a_err} | {a_err - b_err:+d} |")
    return out


def finding_line(finding: Finding) -> str:
    return f"- {code(finding.rule)} {code(finding.where())}: {finding.message}"


def _debt_table(accepted: Sequence[AcceptedFinding], comparison: LayerComparison) -> list[str]:
    groups: dict[DebtEntry, list[AcceptedFinding]] = {}
    for item in accepted:
        groups.setdefault(item.entry, []).append(item)
    out = [
        "| Path | Rules | Findings covered | Reason | Ticket / milestone | Expires |",
        "|---|---|---:|---|---|---|",
    ]
    for e, items in groups.items():
        where = " / ".join(x for x in (e.ticket, e.milestone) if x) or "-"
        out.append(
            f"| {code(e.path)} | {cell(', '.join(e.rules))} | {len(items)} | {cell(e.reason)} "
            f"| {cell(where)} | {e.expires or '-'} |"
        )
    for e in comparison.stale_debt:
        out.append(
            f"| {code(e.path)} | {cell(', '.join(e.rules))} | 0 (stale) | {cell(e.reason)} "
            f"| - | {e.expires or '-'} |"
        )
    for e in comparison.expired_debt:
        out.append(
            f"| {code(e.path)} | {cell(', '.join(e.rules))} | EXPIRED | {cell(e.reason)} "
            f"| - | {e.expires} |"
        )
    return out


# -- files ------------------------------------------------------------------------------------
def files_sections(run: RunSummary, heading: str = "###") -> list[str]:
    out: list[str] = []
    # A move that kept a shim is a move to the reader, not a new file and an edited one.
    shims = run.kept_as_shims
    shim_paths = {p for pair in shims for p in pair}
    sections: list[tuple[str, list[FileChange]]] = [
        ("Moved", run.moved),
        ("Created", [c for c in run.created if c.path not in shim_paths]),
        ("Deleted", run.deleted),
        ("Modified", [c for c in run.modified if c.path not in shim_paths]),
    ]
    for title, changes in sections:
        count = len(changes) + (len(shims) if title == "Moved" else 0)
        out += ["", f"{heading} {title} ({count})", ""]
        if not count:
            out.append("None.")
            continue
        if title == "Moved":
            out += ["| From | To | Content |", "|---|---|---|"]
            for c in changes:
                content = "unchanged" if not c.content_changed else "edited after the move"
                out.append(f"| {code(c.old_path)} | {code(c.path)} | {content} |")
            for old, new in shims:
                out.append(f"| {code(old)} | {code(new)} | a shim stays at the old path |")
        else:
            out += [f"- {code(c.path)}" for c in changes]
    return out


def _change_counts(run: RunSummary) -> str:
    shims = len(run.kept_as_shims)
    moved = plural(len(run.moved) + shims, "file") + " moved"
    if shims:
        moved += f" ({shims} with a shim at the old path)"
    return (
        f"{moved}, {len(run.created) - shims} created, "
        f"{len(run.deleted)} deleted, {len(run.modified) - shims} modified"
    )


# -- PR.md --------------------------------------------------------------------------------------
def render_pr_body(run: RunSummary) -> str:
    """A PR description for `gh pr create --body-file`."""
    plan = run.plan
    title = plan.name + (f" — part: {run.part}" if run.part else "")
    out = [f"# {title}", ""]
    if plan.description.strip():
        out += [plan.description.strip(), ""]
    out.append(f"Applied by hoc-migrate from plan {code(plan.file)}: {_change_counts(run)}.")
    if run.part:
        out += [
            "",
            f"This is one part of a split change ({code(run.part)}); it applies on its own "
            "over the base, and the parts together make the whole branch.",
        ]
    whys = run.step_why()
    if whys:
        out += ["", "## Why", ""]
        out += [f"- **{cell(label)}**: {why.strip()}" for label, why in whys]
    out += ["", "## Steps", "", "| # | Step | Status | Files |", "|---:|---|---|---:|"]
    for step in run.steps:
        out.append(f"| {step.index} | {cell(step.label)} | {step.status} | {len(step.files)} |")
    out += ["", "## Files"] + files_sections(run)

    comparison = run.comparison
    out += ["", "## Layer check", ""]
    out.append(f"Scope: {', '.join(code(s or '.') for s in run.scope)} (and the files moved).")
    out += [""] + rule_table(comparison)
    removed = comparison.removed
    out += ["", f"### Findings removed ({len(removed)})", ""]
    out += [finding_line(f) for f in removed] or ["None."]
    new = list(comparison.new_errors) + [a.finding for a in comparison.new_accepted]
    new += list(comparison.new_warnings)
    if new:
        out += ["", f"### New findings ({len(new)})", ""]
        out += [finding_line(f) for f in new]

    out += ["", "## Accepted technical debt", ""]
    debt = run.plan.debt
    if debt:
        out += _debt_table(run.accepted, comparison)
    else:
        out.append("None: the plan accepts no debt.")

    out += ["", "## Verification", ""] + verification_table(run.verification)
    out += _outputs(run.verification)

    if run.references:
        out += ["", "## References to review", "", _REFERENCES_INTRO, ""]
        out += [f"- {code(r)}" for r in run.references]
    if run.commits:
        out += ["", "## Commits", ""]
        out += [f"- `{short(sha)}` {cell(subject)}" for sha, subject in run.commits]
    out += ["", "---", f"Generated by hoc-migrate: {cell(run.source)}."]
    return "\n".join(out) + "\n"


_REFERENCES_INTRO = (
    "Mentions of moved modules that no codemod follows (in comments, strings and other "
    "files), left as they are:"
)


def check_mark(check: CheckOutcome | None) -> str:
    return _MARK[check.status] if check is not None else "⏭️"
