"""The migration certificate (the form of the seed's "LOCK FINAL" document), from a run.

STATUS: CLEAN when the scope has no error and no accepted debt; LOCKED (with documented
technical debt) when only accepted debt remains; OPEN when the change verified but errors it
did not cause (they predate it) remain, not covered by debt; FAILED when a verification
check failed (the change added an error, say) or debt expired. The verdict is apply's: a
branch apply verified is never FAILED here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from hoc_migrate.core.certificate_files import file_structure, layer_distribution
from hoc_migrate.core.changes import FileChange
from hoc_migrate.core.invariants import invariant_statuses
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.report import cell, check_mark, code, plural, rule_table, verification_table
from hoc_migrate.core.run_summary import RunSummary, StepSummary, short
from hoc_migrate.core.verification import AcceptedFinding, LayerComparison

CLEAN = "CLEAN"
LOCKED = "LOCKED (with documented technical debt)"
OPEN = "OPEN (errors that predate the change remain)"
FAILED = "FAILED"

_KIND_TITLES = {
    "fix_header": "Header Corrections",
    "move": "File Relocations",
    "split_hybrid": "File Splits",
    "extract_schema": "Schema Extraction",
    "rewrite_import": "Import Rewrites",
}


def certificate_status(run: RunSummary) -> str:
    comparison = run.comparison
    if comparison.expired_debt or not run.verification.passed:
        return FAILED
    if comparison.unaccepted_errors:
        return OPEN
    if comparison.accepted:
        return LOCKED
    return CLEAN


def _status_reasons(run: RunSummary) -> list[str]:
    reasons = [f"verification check failed: {c.name}" for c in run.verification.failures]
    reasons += [f"expired debt entry: {e.path}" for e in run.comparison.expired_debt]
    return reasons


def _open_reasons(run: RunSummary) -> list[str]:
    errors = run.comparison.unaccepted_errors
    if not errors:
        return []
    return [
        f"{plural(len(errors), 'error')} not covered by accepted debt, none of them added by "
        "the change (the verification found no new error):"
    ] + [f"  - {f.rule} at {f.where()}: {cell(f.message)}" for f in errors[:20]]


# -- sections ----------------------------------------------------------------------------------
def _certification_rows(run: RunSummary) -> list[str]:
    comparison = run.comparison
    errors = len(comparison.after.errors)
    actionable = len(comparison.unaccepted_errors)
    accepted_errors = sum(1 for a in comparison.accepted if a.finding.is_error)
    mark = "✅" if errors == 0 else ("⚠️" if actionable == 0 else "❌")
    rows = [
        "| Check | Status | Evidence |",
        "|-------|--------|----------|",
        f"| Layer check | {mark} {plural(errors, 'error')} | {actionable} actionable in scope; "
        f"{accepted_errors} accepted debt; {len(comparison.removed)} finding(s) removed |",
    ]
    by_kind: dict[str, list[StepSummary]] = defaultdict(list)
    for step in run.steps:
        by_kind[step.kind].append(step)
    for kind, steps in by_kind.items():
        partial = any(s.partial for s in steps)
        status = "✅ PARTIAL" if partial else "✅ COMPLETE"
        files = len({f for s in steps for f in s.files})
        done = sum(1 for s in steps if s.status == "done")
        evidence = f"{plural(len(steps), 'step')} ({done} done, {len(steps) - done} already done)"
        rows.append(
            f"| {_KIND_TITLES.get(kind, kind)} | {status} | {evidence}; {plural(files, 'file')} |"
        )
    for check in run.verification.checks:
        if check.name == "layer check":
            continue
        rows.append(
            f"| Verification: {check.name} | {check_mark(check)} {check.status.value.upper()} "
            f"| {cell(check.summary)} |"
        )
    return rows


def _debt_section(accepted: Sequence[AcceptedFinding]) -> list[str]:
    by_file: dict[str, list[AcceptedFinding]] = defaultdict(list)
    for item in accepted:
        by_file[item.finding.file].append(item)
    out = [
        "| File | Findings | Reason | Ticket / milestone | Expires |",
        "|------|----------|--------|--------------------|---------|",
    ]
    for path, items in sorted(by_file.items()):
        counts = Counter(i.finding.rule for i in items)
        found = ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items()))
        entry = items[0].entry
        where = " / ".join(x for x in (entry.ticket, entry.milestone) if x) or "-"
        out.append(
            f"| {code(path)} | {found} | {cell(entry.reason)} | {cell(where)} "
            f"| {entry.expires or '-'} |"
        )
    return out


def _remediated(removed: Sequence[Finding], run: RunSummary) -> list[str]:
    moved_to = {c.old_path: c.path for c in run.moved}
    deleted = {c.path for c in run.deleted}
    out = ["| # | File | Violation | Resolution |", "|---|------|-----------|------------|"]
    for i, f in enumerate(removed, 1):
        if f.file in moved_to:
            resolution = f"✅ moved to {code(moved_to[f.file])}"
        elif f.file in deleted:
            resolution = "✅ file deleted"
        else:
            resolution = "✅ fixed in place"
        out.append(
            f"| {i} | {code(f.file)} | {f.rule} ({f.severity}): {cell(f.message)} | {resolution} |"
        )
    return out


def _changes_table(title: str, changes: Sequence[FileChange], run: RunSummary) -> list[str]:
    after = run.comparison.after
    out = [f"## Files {title}", ""]
    if not changes:
        return out + ["None."]
    if title == "Moved":
        out += ["| Old Location | New Location | Layer |", "|---|---|---|"]
        for c in changes:
            info = after.files.get(c.path)
            out.append(f"| {code(c.old_path)} | {code(c.path)} | {info.label() if info else '-'} |")
        return out
    out += ["| File | Layer |", "|------|-------|"]
    for c in changes:
        info = after.files.get(c.path)
        layer = info.label() if info else ("-" if title != "Deleted" else "(gone)")
        out.append(f"| {code(c.path)} | {layer} |")
    return out


def _results_block(run: RunSummary) -> list[str]:
    comparison = run.comparison
    after, before = comparison.after, comparison.before
    out = ["```", f"Scope: {', '.join(s or '.' for s in run.scope)} (and the files moved)"]
    if comparison.rules_change:
        out.append(comparison.rules_change[0].upper() + comparison.rules_change[1:])
    for name, check in (("Before:", before), ("After: ", after)):
        out.append(
            f"{name} {plural(len(check.findings), 'finding')}, "
            f"{plural(len(check.errors), 'error')} ({plural(len(check.files), 'file')} checked)"
        )
    out.append(
        f"In-scope actionable: {len(comparison.unaccepted_errors)}; accepted debt: "
        f"{len(comparison.accepted)}; removed: {len(comparison.removed)}; new errors: "
        f"{len(comparison.new_errors)}"
    )
    out.append("")
    counts_before, counts_after = before.by_rule(), after.by_rule()
    accepted = Counter(a.finding.rule for a in comparison.accepted)
    rules = sorted(set(counts_before) | set(counts_after))
    width = max((len(r) for r in rules), default=0) + 1
    for rule in rules:
        note = f"  ({accepted[rule]} accepted debt)" if accepted.get(rule) else ""
        out.append(
            f"{rule + ':':<{width}} {counts_after.get(rule, 0):>4} "
            f"(before {counts_before.get(rule, 0)}){note}"
        )
    return out + ["```"]


def _checked_section(comparison: LayerComparison) -> list[str]:
    """What the check held the result to: the HOC preset's invariants, or the project's own
    layers and contracts (a project without the preset is never told of HOC rules)."""
    statuses = invariant_statuses(comparison.after, comparison.accepted)
    if comparison.after.rules.is_hoc:
        out = ["## Governance Invariants", "", "| ID | Rule | Checked by | Status |"]
    else:
        out = ["## Rules Checked", "", "| Rules | What they say | Checked by | Status |"]
    if not statuses:
        return out[:2] + ["None: the project names no layers and no contracts."]
    out.append("|----|------|------------|--------|")
    for item in statuses:
        inv = item.invariant
        out.append(f"| {cell(inv.id)} | {cell(inv.text)} | {cell(inv.checked_by)} | {item.text} |")
    return out


def render_certificate(run: RunSummary) -> str:
    status = certificate_status(run)
    comparison = run.comparison
    plan = run.plan
    errors = len(comparison.after.errors)
    actionable = len(comparison.unaccepted_errors)
    debt_files = sorted({a.finding.file for a in comparison.accepted})
    title = plan.name.replace("-", " ").replace("_", " ").title()
    out = [
        f"# {title} — Migration Certificate",
        f"# Status: {status}",
        f"# Date: {run.date.isoformat()}",
        f"# Layer check: {plural(errors, 'error')} in scope ({actionable} actionable)",
        f"# Plan: {plan.file}",
        f"# Source: {run.source}",
        f"# Rules: {comparison.after.rules.name}",
        "",
        "---",
        "",
        "## Certification",
        "",
        *_certification_rows(run),
    ]
    reasons = _status_reasons(run)
    if reasons:
        out += ["", "Why the status is FAILED:", ""] + [f"- {r}" for r in reasons]
    elif status == OPEN:
        out += ["", "Why the status is OPEN:", ""] + [f"- {r}" for r in _open_reasons(run)]
    out += ["", "---", "", "## Technical Debt", ""]
    if comparison.accepted:
        out.append(
            f"This scope has **documented technical debt**: {plural(len(comparison.accepted), 'finding')} "
            f"in {plural(len(debt_files), 'file')}, accepted by the plan."
        )
        out += [""] + _debt_section(comparison.accepted)
    else:
        out.append("None.")
    for entry in comparison.stale_debt:
        out.append(f"- stale entry (covers nothing now): {code(entry.path)} — {cell(entry.reason)}")
    for entry in comparison.expired_debt:
        out.append(
            f"- ❌ expired entry ({entry.expires}): {code(entry.path)} — {cell(entry.reason)}"
        )
    out += ["", "---", "", "## Final File Structure", "", *file_structure(run)]
    out += [
        "",
        "---",
        "",
        "## Layer Distribution",
        "",
        *layer_distribution(comparison.after, run.scope),
    ]
    out += ["", "---", "", f"## Violations Remediated ({len(comparison.removed)})", ""]
    out += _remediated(comparison.removed, run) if comparison.removed else ["None."]
    out += ["", "---", "", *_checked_section(comparison)]
    for title_word, changes in (
        ("Created", run.created),
        ("Moved", run.moved),
        ("Deleted", run.deleted),
        ("Modified", run.modified),
    ):
        out += ["", "---", ""] + _changes_table(title_word, changes, run)
    out += ["", "---", "", "## Layer Check Results", "", *_results_block(run)]
    out += ["", "### By rule, before and after", "", *rule_table(comparison)]
    out += ["", "---", "", "## Verification", "", *verification_table(run.verification)]
    out += ["", "---", "", "## Certification", "", "```"]
    out += [
        f"PLAN: {plan.name}",
        f"SCOPE: {', '.join(s or '.' for s in run.scope)}",
        f"STATUS: {status}",
        f"DATE: {run.date.isoformat()}",
    ]
    if run.branch:
        out.append(f"BRANCH: {run.branch} ({short(run.tip)} over base {short(run.base)})")
    out += [
        f"LAYER_CHECK: {plural(errors, 'error')} ({actionable} actionable in scope, "
        f"{len(comparison.accepted)} accepted debt)",
        f"VIOLATIONS_REMEDIATED: {len(comparison.removed)}",
        f"FILES_CREATED: {len(run.created)}",
        f"FILES_MOVED: {len(run.moved)}",
        f"FILES_DELETED: {len(run.deleted)}",
        f"FILES_MODIFIED: {len(run.modified)}",
        f"TECHNICAL_DEBT: {len(comparison.accepted)} finding(s) in {len(debt_files)} file(s)"
        + (f" ({', '.join(debt_files)})" if debt_files else ""),
        "VERIFICATION: " + ", ".join(f"{c.name} {c.status.value}" for c in run.verification.checks),
        "```",
        "",
        "**END OF CERTIFICATE**",
    ]
    return "\n".join(out) + "\n"
