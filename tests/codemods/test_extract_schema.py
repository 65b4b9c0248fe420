"""extract_schema: definitions move to a schema module with what they need."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, TransformSuccess, transform_module

from codemods._errors import CodemodRefusal
from codemods._header import HeaderSpec
from codemods.extract_schema import ExtractSchemaCommand, extract

SOURCE_MODULE = "app.hoc.cus.integrations.drivers.bridges"
TARGET_MODULE = "app.hoc.cus.integrations.schemas.audit_schemas"

BRIDGES = '''\
# Layer: L5 — Domain Engine
# AUDIENCE: CUSTOMER
"""Integration bridges."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .connector_registry import ConnectorRegistry

if TYPE_CHECKING:
    from ..models import PolicyRow

logger = logging.getLogger(__name__)

_DEFAULT_SOURCE = "bridge"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


# One audit record per policy activation.
@dataclass
class PolicyActivationAudit:
    policy_id: str
    source: str = _DEFAULT_SOURCE
    activated_at: datetime = field(default_factory=_utcnow)
    row: PolicyRow | None = None


def activate(policy_id: str) -> PolicyActivationAudit:
    logger.info("activating %s", policy_id)
    ConnectorRegistry().touch(policy_id)
    return PolicyActivationAudit(policy_id)
'''

BRIDGES_AFTER = '''\
# Layer: L5 — Domain Engine
# AUDIENCE: CUSTOMER
"""Integration bridges."""

from __future__ import annotations

import logging

from .connector_registry import ConnectorRegistry
from ..schemas.audit_schemas import PolicyActivationAudit

logger = logging.getLogger(__name__)


def activate(policy_id: str) -> PolicyActivationAudit:
    logger.info("activating %s", policy_id)
    ConnectorRegistry().touch(policy_id)
    return PolicyActivationAudit(policy_id)
'''

AUDIT_SCHEMAS = """\
# Layer: L5 — Domain Schemas
# AUDIENCE: CUSTOMER
# Role: Policy activation audit record

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import PolicyRow


_DEFAULT_SOURCE = "bridge"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


# One audit record per policy activation.
@dataclass
class PolicyActivationAudit:
    policy_id: str
    source: str = _DEFAULT_SOURCE
    activated_at: datetime = field(default_factory=_utcnow)
    row: PolicyRow | None = None
"""

HEADER = HeaderSpec(
    "L5", "Domain Schemas", audience="CUSTOMER", role="Policy activation audit record"
)


def run(source: str, names: object, target: str | None = None, **kwargs: object) -> object:
    return extract(
        source,
        names=names,  # type: ignore[arg-type]
        source_module=SOURCE_MODULE,
        target_module=TARGET_MODULE,
        target_source=target,
        **kwargs,  # type: ignore[arg-type]
    )


def test_moves_a_dataclass_with_its_imports_and_private_helpers() -> None:
    result = extract(
        BRIDGES,
        names=["PolicyActivationAudit"],
        source_module=SOURCE_MODULE,
        target_module=TARGET_MODULE,
        target_source=None,
        header=HEADER,
    )
    assert result.source == BRIDGES_AFTER
    assert result.target_source == AUDIT_SCHEMAS
    assert result.moved == ["PolicyActivationAudit"]
    assert result.carried_helpers == ["_DEFAULT_SOURCE", "_utcnow"]


def test_running_twice_changes_nothing() -> None:
    first = extract(
        BRIDGES,
        names=["PolicyActivationAudit"],
        source_module=SOURCE_MODULE,
        target_module=TARGET_MODULE,
        header=HEADER,
    )
    second = extract(
        first.source,
        names=["PolicyActivationAudit"],
        source_module=SOURCE_MODULE,
        target_module=TARGET_MODULE,
        target_source=first.target_source,
        header=HEADER,
    )
    assert (second.source, second.target_source) == (first.source, first.target_source)
    assert not second.changed
    assert second.already_extracted == ["PolicyActivationAudit"]


def test_absolute_style_and_appending_to_an_existing_target() -> None:
    source = """\
import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    LOW = 1


@dataclass
class Snapshot:
    tenant: str
    severity: Severity = Severity.LOW


def cost(snapshot: Snapshot) -> int:
    return 0
"""
    target = """\
# Layer: L5 — Domain Schemas
from dataclasses import field
import enum


class Kind(enum.Enum):
    A = 1
"""
    result = extract(
        source,
        names=["Severity", "Snapshot"],
        source_module="app.drivers.cost_snapshots",
        target_module="app.schemas.cost_snapshot_schemas",
        target_source=target,
    )
    assert (
        result.source
        == """\
from app.schemas.cost_snapshot_schemas import Snapshot


def cost(snapshot: Snapshot) -> int:
    return 0
"""
    )
    assert (
        result.target_source
        == """\
# Layer: L5 — Domain Schemas
from dataclasses import field, dataclass
import enum


class Kind(enum.Enum):
    A = 1


class Severity(enum.Enum):
    LOW = 1


@dataclass
class Snapshot:
    tenant: str
    severity: Severity = Severity.LOW
"""
    )


def test_no_import_back_when_nothing_left_uses_the_names() -> None:
    source = "from enum import Enum\n\n\nclass Kind(Enum):\n    A = 1\n\n\nX = 2\n"
    result = run(source, ["Kind"])
    assert result.source == "X = 2\n"  # type: ignore[attr-defined]


def test_reexport_keeps_the_names_importable_and_lists_them_in_all() -> None:
    source = """\
from enum import Enum

__all__ = [
    "Kind",
    "helper",
]


class Kind(Enum):
    A = 1


def helper() -> int:
    return 1
"""
    result = run(source, ["Kind"], reexport=True)
    assert (
        result.source
        == """\
from app.hoc.cus.integrations.schemas.audit_schemas import Kind

__all__ = [
    "Kind",
    "helper",
]


def helper() -> int:
    return 1
"""
    )  # type: ignore[attr-defined]
    plain = run(source.replace('    "Kind",\n', ""), ["Kind"], reexport=True)
    assert '__all__ = [\n    "helper",\n    "Kind",\n]' in plain.source  # type: ignore[attr-defined]


def test_selectors_pick_every_dataclass_or_enum() -> None:
    source = """\
import enum
from dataclasses import dataclass
from enum import Enum


class Status(str, Enum):
    OPEN = "open"


class Level(enum.IntEnum):
    LOW = 1


class SubLevel(Level):
    pass


@dataclass(frozen=True)
class Event:
    status: str


class Plain:
    pass
"""
    enums = run(source, "all_enums")
    assert enums.moved == ["Status", "Level", "SubLevel"]  # type: ignore[attr-defined]
    dataclasses = run(source, "all_dataclasses")
    assert dataclasses.moved == ["Event"]  # type: ignore[attr-defined]
    assert "from app.hoc.cus.integrations.schemas.audit_schemas import Event" not in (
        dataclasses.source  # type: ignore[attr-defined]
    )
    assert "class Plain" in dataclasses.source  # type: ignore[attr-defined]


def test_nothing_to_do_leaves_both_modules_alone() -> None:
    source = "def f() -> int:\n    return 1\n"
    result = run(source, "all_dataclasses", target="X = 1\n")
    assert (result.source, result.target_source) == (source, "X = 1\n")  # type: ignore[attr-defined]
    assert not result.changed  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("source", "names", "message"),
    [
        (
            "LIMIT = 3\n\n\nclass A:\n    size = LIMIT\n",
            ["A"],
            "the moved definitions need LIMIT (a public constant), which stays in "
            f"{SOURCE_MODULE}; a schema must not import its old module back",
        ),
        (
            "def _default() -> int:\n    return 1\n\n\nclass A:\n    size = _default()\n\n\n"
            "def other() -> int:\n    return _default()\n",
            ["A"],
            "the moved definitions need _default (also used by code that stays, line 9)",
        ),
        (
            "try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n\n"
            "class A:\n    codec = json\n",
            ["A"],
            "json (bound by a statement that cannot be moved)",
        ),
        ("X = 1\n", ["Missing"], f"Missing is not defined in {SOURCE_MODULE}"),
        (
            "from app.other import A\n",
            ["A"],
            f"A is imported into {SOURCE_MODULE} from app.other, not defined there",
        ),
        ("if True:\n    A = 1\n", ["A"], "A is bound by a statement that cannot be moved"),
        ("A = 1\nA = 2\n", ["A"], "A is bound more than once in the module (lines 1, 2)"),
    ],
)
def test_refusals_name_what_stays_behind(source: str, names: list[str], message: str) -> None:
    with pytest.raises(CodemodRefusal, match=re.escape(message)):
        run(source, names)


def test_a_target_that_already_defines_the_name_is_refused() -> None:
    with pytest.raises(CodemodRefusal, match=f"{TARGET_MODULE} already defines A"):
        run("class A:\n    pass\n", ["A"], target="class A:\n    x = 1\n")


def test_a_target_importing_the_source_is_refused() -> None:
    target = f"from {SOURCE_MODULE} import helper\n"
    with pytest.raises(CodemodRefusal, match="would create an import cycle"):
        run("class A:\n    pass\n", ["A"], target=target)


def test_unparseable_source_raises_the_parser_error() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        run("class A(:\n", ["A"])


def test_the_moved_code_still_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both modules import and the old module's code works through the import-back."""
    result = extract(
        BRIDGES.replace("from .connector_registry import ConnectorRegistry\n", "").replace(
            "    ConnectorRegistry().touch(policy_id)\n", ""
        ),
        names=["PolicyActivationAudit"],
        source_module="pkg_extract.drivers.bridges",
        target_module="pkg_extract.schemas.audit_schemas",
    )
    for folder in ("pkg_extract", "pkg_extract/drivers", "pkg_extract/schemas"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "pkg_extract/drivers/bridges.py").write_text(result.source)
    (tmp_path / "pkg_extract/schemas/audit_schemas.py").write_text(result.target_source)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        bridges = importlib.import_module("pkg_extract.drivers.bridges")
        audit = bridges.activate("p-1")
        assert type(audit).__module__ == "pkg_extract.schemas.audit_schemas"
        assert (audit.policy_id, audit.source) == ("p-1", "bridge")
    finally:
        for name in [m for m in sys.modules if m.startswith("pkg_extract")]:
            del sys.modules[name]


def test_the_command_writes_the_target_module(tmp_path: Path) -> None:
    target = tmp_path / "audit_schemas.py"
    command = ExtractSchemaCommand(
        CodemodContext(),
        names="PolicyActivationAudit",
        target_module=TARGET_MODULE,
        source_module=SOURCE_MODULE,
        target_path=str(target),
        audience="CUSTOMER",
        role="Policy activation audit record",
    )
    result = transform_module(command, BRIDGES)
    assert isinstance(result, TransformSuccess)
    assert result.code == BRIDGES_AFTER
    assert target.read_text() == AUDIT_SCHEMAS
    again = transform_module(
        ExtractSchemaCommand(
            CodemodContext(),
            names="PolicyActivationAudit",
            target_module=TARGET_MODULE,
            source_module=SOURCE_MODULE,
            target_path=str(target),
        ),
        result.code,
    )
    assert isinstance(again, TransformSuccess) and again.code == BRIDGES_AFTER
    assert target.read_text() == AUDIT_SCHEMAS
