"""Splitting a change into independent parts (`pr --split-by domain|folder`)."""

from __future__ import annotations

from hoc_migrate.core.changes import ChangeKind, ChangeSet, FileChange
from hoc_migrate.core.split import domain_of, split_changes

HOC = "backend/app/hoc"


def change(path: str, old: str | None = None) -> FileChange:
    kind = ChangeKind.RENAMED if old else ChangeKind.MODIFIED
    return FileChange(kind, path, old or path, b"", b"")


def test_domains_come_from_the_hoc_layout() -> None:
    assert domain_of(f"{HOC}/cus/integrations/drivers/x.py") == "cus/integrations"
    assert domain_of(f"{HOC}/api/cus/policies/routes.py") == "cus/policies"
    assert domain_of(f"{HOC}/cus/general/L3_mcp/reg.py") == "cus/general"
    assert domain_of("backend/app/models/order.py") == "other"
    assert domain_of("hoc_main.py") == "other"


def test_every_change_lands_in_exactly_one_part_renames_whole() -> None:
    changes = ChangeSet(
        (
            change(f"{HOC}/cus/general/mcp/reg.py", old=f"{HOC}/cus/integrations/drivers/reg.py"),
            change(f"{HOC}/cus/integrations/engines/a.py"),
            change("backend/app/models/order.py"),
        )
    )
    assert split_changes(changes, "domain") == {
        "cus/general": [f"{HOC}/cus/general/mcp/reg.py", f"{HOC}/cus/integrations/drivers/reg.py"],
        "cus/integrations": [f"{HOC}/cus/integrations/engines/a.py"],
        "other": ["backend/app/models/order.py"],
    }
    assert list(split_changes(changes, "folder")) == [
        "backend/app/hoc/cus/general/mcp",
        "backend/app/hoc/cus/integrations/engines",
        "backend/app/models",
    ]
