"""Splitting a change into parts that each apply on their own: by domain or by folder.

A change is one unit (a rename keeps its old and new path together) and belongs to exactly one
part, chosen by its path after the change; parts never share a path, so each part's patch
applies over the base alone, and all of them together make the whole change.
"""

from __future__ import annotations

from collections import defaultdict

from hoc_migrate.core.changes import ChangeSet, FileChange

HOC_PACKAGES = ("hoc", "houseofcards")
SPLIT_KINDS = ("domain", "folder")


def domain_of(path: str) -> str:
    """'backend/app/hoc/cus/integrations/drivers/x.py' -> 'cus/integrations'; L2 files under
    'hoc/api/<audience>/<domain>/' count for their domain too; anything else is 'other'."""
    parts = path.split("/")[:-1]  # folders only
    for i, part in enumerate(parts):
        if part in HOC_PACKAGES and i > 0 and parts[i - 1] == "app":
            rest = parts[i + 1 :]
            if rest and rest[0] in ("api",) and len(rest) >= 2:
                rest = rest[1:]
            if len(rest) >= 2:
                return f"{rest[0]}/{rest[1]}"
            if rest:
                return rest[0]
            return "hoc"
    return "other"


def folder_of(path: str) -> str:
    return path.rpartition("/")[0] or "."


def part_of(change: FileChange, by: str) -> str:
    return domain_of(change.path) if by == "domain" else folder_of(change.path)


def split_changes(changes: ChangeSet, by: str) -> dict[str, list[str]]:
    """Part name -> the paths (old and new) of its changes, parts sorted by name."""
    if by not in SPLIT_KINDS:
        raise ValueError(f"split by {by!r}: expected one of {', '.join(SPLIT_KINDS)}")
    parts: dict[str, set[str]] = defaultdict(set)
    for change in changes.changes:
        unit = parts[part_of(change, by)]
        unit.add(change.path)
        if change.old_path:
            unit.add(change.old_path)
    return {name: sorted(paths) for name, paths in sorted(parts.items())}


def part_slug(index: int, name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-.")
    return f"{index:02d}-{cleaned or 'root'}"
