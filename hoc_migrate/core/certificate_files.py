"""The certificate's picture of the result: the file tree of the scope, each file with its
layer, its state and what the change did to it, and the files per layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from hoc_migrate.core.changes import ChangeKind
from hoc_migrate.core.report import code, plural
from hoc_migrate.core.run_summary import RunSummary
from hoc_migrate.core.verification import LayerCheck, under


def _annotation(path: str, run: RunSummary, after: LayerCheck, tags: dict[str, str]) -> str:
    info = after.files.get(path)
    label = info.label() if info else "not layer-checked"
    findings = [f for f in after.findings if f.file == path]
    accepted = {id(a.finding) for a in run.accepted if a.finding.file == path}
    open_errors = [f for f in findings if f.is_error and id(f) not in accepted]
    if open_errors:
        rules = ", ".join(sorted({f.rule for f in open_errors}))
        state = f"{plural(len(open_errors), 'error')}: {rules}"
    elif accepted:
        state = f"accepted debt ({len(accepted)})"
    elif findings:
        state = plural(len(findings), "warning")
    else:
        state = "CLEAN"
    change = tags.get(path, "")
    return f"{label} — {state}" + (f" ({change})" if change else "")


def _change_tags(run: RunSummary) -> dict[str, str]:
    tags = {}
    for c in run.changes.changes:
        if c.kind is ChangeKind.ADDED:
            tags[c.path] = "NEW"
        elif c.kind is ChangeKind.RENAMED:
            tags[c.path] = f"MOVED from {c.old_path}"
        elif c.kind is ChangeKind.MODIFIED:
            tags[c.path] = "MODIFIED"
    return tags


def _tree_lines(root: str, paths: Sequence[str], note: dict[str, str]) -> list[str]:
    """`root/` and its files as an indented tree, each file annotated."""
    prefix = f"{root}/" if root else ""
    tree: dict[str, object] = {}
    for path in paths:
        node = tree
        parts = path[len(prefix) :].split("/")
        for part in parts[:-1]:
            child = node.setdefault(part + "/", {})
            assert isinstance(child, dict)
            node = child
        node[parts[-1]] = path
    rows: list[tuple[str, str]] = []

    def walk(node: dict[str, object], indent: str) -> None:
        names = sorted(node, key=lambda n: (n.endswith("/"), n))
        for i, name in enumerate(names):
            last = i == len(names) - 1
            branch = "└── " if last else "├── "
            value = node[name]
            if isinstance(value, dict):
                rows.append((indent + branch + name, ""))
                walk(value, indent + ("    " if last else "│   "))
            else:
                rows.append((indent + branch + name, note.get(str(value), "")))

    walk(tree, "")
    width = min(max((len(r[0]) for r in rows), default=0) + 2, 60)
    lines = [f"{root or '.'}/"]
    lines += [f"{text:<{width}}# {comment}" if comment else text for text, comment in rows]
    return lines


def file_structure(run: RunSummary) -> list[str]:
    after = run.comparison.after
    files = sorted(after.files)
    tags = _change_tags(run)
    notes = {p: _annotation(p, run, after, tags) for p in files}
    out: list[str] = ["```"]
    shown: set[str] = set()
    for root in run.scope:
        inside = [p for p in files if under(p, [root])]
        shown.update(inside)
        out += _tree_lines(root, inside, notes) + [""]
    outside = [p for p in files if p not in shown]  # files the plan moved out of the scope
    groups: dict[str, list[str]] = defaultdict(list)
    for path in outside:
        groups[path.rpartition("/")[0]].append(path)
    for folder, paths in sorted(groups.items()):
        out += _tree_lines(folder, paths, notes) + [""]
    if out[-1] == "":
        out.pop()
    return out + ["```"]


def _short(path: str, scope: Sequence[str]) -> str:
    """A path relative to the scope folder holding it (as the file structure shows it)."""
    for root in sorted(scope, key=len, reverse=True):
        if root and path.startswith(root + "/"):
            return path[len(root) + 1 :]
    return path


def layer_distribution(after: LayerCheck, scope: Sequence[str]) -> list[str]:
    groups: dict[str, list[str]] = defaultdict(list)
    for path, info in sorted(after.files.items()):
        groups[info.label()].append(_short(path, scope))
    out = ["| Layer | Files | Count |", "|---|---|---:|"]
    for label in sorted(groups, key=lambda k: (k == "no layer", k)):
        names = groups[label]
        listed = ", ".join(code(n) for n in names[:12])
        if len(names) > 12:
            listed += f", ... ({len(names) - 12} more)"
        out.append(f"| {label} | {listed} | {len(names)} |")
    return out
