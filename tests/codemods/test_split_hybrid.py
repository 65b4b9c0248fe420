"""split_hybrid: database code goes to an L6 driver, the logic stays in an L5 engine."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, TransformSuccess, transform_module

from codemods._errors import CodemodRefusal
from codemods.fix_header import read_header
from codemods.split_hybrid import SplitHybridCommand, classify, split

MODULE = "app.hoc.cus.integrations.drivers.bridges"
DRIVER = "app.hoc.cus.integrations.drivers.bridges_driver"

BRIDGES = '''\
# Layer: L5 — Domain Engine
# AUDIENCE: CUSTOMER
# Role: Integration bridges with embedded DB operations
"""M25 integration bridges."""

import logging

logger = logging.getLogger(__name__)


def record_policy_activation(session, policy_id: str, source: str) -> None:
    """Persist one policy activation."""
    from sqlalchemy import text

    session.execute(
        text("INSERT INTO policy_activations (policy_id, source) VALUES (:p, :s)"),
        {"p": policy_id, "s": source},
    )
    logger.info("recorded %s", policy_id)


def should_activate(confidence: float) -> bool:
    return confidence >= 0.8


def activate_policy(session, policy_id: str, confidence: float) -> bool:
    if not should_activate(confidence):
        return False
    record_policy_activation(session, policy_id, "bridge")
    return True


def count_activations(session) -> int:
    from sqlalchemy import text

    return session.execute(text("SELECT count(*) FROM policy_activations")).scalar_one()
'''

BRIDGES_PARTIAL = '''\
# Layer: L5/L6 — HYBRID (pending refactor)
# NOTE: count_activations still queries the database (M25)
# AUDIENCE: CUSTOMER
# Role: Integration bridges with embedded DB operations
"""M25 integration bridges."""

import logging

from app.hoc.cus.integrations.drivers.bridges_driver import record_policy_activation

logger = logging.getLogger(__name__)


def should_activate(confidence: float) -> bool:
    return confidence >= 0.8


def activate_policy(session, policy_id: str, confidence: float) -> bool:
    if not should_activate(confidence):
        return False
    record_policy_activation(session, policy_id, "bridge")
    return True


def count_activations(session) -> int:
    from sqlalchemy import text

    return session.execute(text("SELECT count(*) FROM policy_activations")).scalar_one()
'''

BRIDGES_DRIVER = '''\
# Layer: L6 — Drivers
# AUDIENCE: CUSTOMER
# Role: Policy activation persistence

import logging

logger = logging.getLogger(__name__)


def record_policy_activation(session, policy_id: str, source: str) -> None:
    """Persist one policy activation."""
    from sqlalchemy import text

    session.execute(
        text("INSERT INTO policy_activations (policy_id, source) VALUES (:p, :s)"),
        {"p": policy_id, "s": source},
    )
    logger.info("recorded %s", policy_id)
'''


def partial_split(source: str, driver_source: str | None = None) -> object:
    from codemods._header import HeaderSpec

    return split(
        source,
        names=["record_policy_activation"],
        module=MODULE,
        driver_module=DRIVER,
        driver_source=driver_source,
        partial=True,
        driver_header=HeaderSpec("L6", audience="CUSTOMER", role="Policy activation persistence"),
        hybrid_note="count_activations still queries the database (M25)",
    )


def test_classification_gives_a_verdict_and_its_evidence() -> None:
    verdicts = {c.name: c for c in classify(BRIDGES)}
    assert verdicts["record_policy_activation"].verdict == "db"
    assert verdicts["record_policy_activation"].reasons == (
        "imports sqlalchemy at line 13",
        "calls session.execute() at line 15",
    )
    assert verdicts["should_activate"].verdict == "logic"
    assert verdicts["should_activate"].reasons == ("no database access found",)
    assert verdicts["activate_policy"].verdict == "logic"
    assert verdicts["count_activations"].is_db


def test_classification_of_a_mixed_class_and_type_hints() -> None:
    source = """\
from sqlalchemy import select
from sqlalchemy.orm import Session


class Bridge:
    def decide(self, session: Session, score: float) -> bool:
        return score > 1

    def load(self, session: Session) -> list[int]:
        return list(session.scalars(select(1)))
"""
    verdicts = {c.name: c for c in classify(source)}
    assert verdicts["Bridge"].verdict == "mixed"
    assert verdicts["Bridge.decide"].verdict == "logic"  # an annotation is no database work
    assert verdicts["Bridge.load"].reasons == (
        "calls session.scalars() at line 10",
        "calls select() (sqlalchemy) at line 10",
    )


def test_partial_split_extracts_the_listed_function_and_marks_the_rest_hybrid() -> None:
    result = partial_split(BRIDGES)
    assert result.engine_source == BRIDGES_PARTIAL  # type: ignore[attr-defined]
    assert result.driver_source == BRIDGES_DRIVER  # type: ignore[attr-defined]
    assert result.moved == ["record_policy_activation"]  # type: ignore[attr-defined]
    assert result.duplicated == ["logger"]  # type: ignore[attr-defined]


def test_partial_split_twice_changes_nothing() -> None:
    again = partial_split(BRIDGES_PARTIAL, BRIDGES_DRIVER)
    assert again.engine_source == BRIDGES_PARTIAL  # type: ignore[attr-defined]
    assert again.driver_source == BRIDGES_DRIVER  # type: ignore[attr-defined]
    assert again.already_split == ["record_policy_activation"]  # type: ignore[attr-defined]
    assert not again.changed  # type: ignore[attr-defined]


def test_a_module_without_database_code_is_left_alone() -> None:
    source = '"""Pure logic."""\n\n\ndef score(x: float) -> float:\n    return x * 2\n'
    result = split(source, names="auto", module=MODULE, driver_module=DRIVER)
    assert (result.engine_source, result.driver_source) == (source, "")
    assert not result.changed


CLASS_BEFORE = '''\
from sqlalchemy import text


class Bridge:
    """Decides and records activations."""

    def __init__(self, session_factory, threshold: float = 0.5):
        self.session_factory = session_factory
        self.threshold = threshold

    def run(self, policy_id: str, score: float) -> int:
        if score > self.threshold:
            self.save(policy_id)
        return self._count()

    def save(self, policy_id: str) -> None:
        """Store one activation."""
        with self.session_factory() as session:
            session.execute(text("INSERT INTO a VALUES (:p)"), {"p": policy_id})
            session.commit()

    def _count(self) -> int:
        with self.session_factory() as session:
            return session.execute(text("SELECT count(*) FROM a")).scalar_one()
'''

CLASS_ENGINE = '''\
# Layer: L5 — Domain Engines

from .bridges_driver import BridgeDriver


class Bridge:
    """Decides and records activations."""

    def __init__(
        self,
        session_factory,
        threshold: float = 0.5,
        driver: BridgeDriver | None = None,
    ):
        self.session_factory = session_factory
        self.threshold = threshold
        self._driver = driver or BridgeDriver(session_factory=self.session_factory)

    def run(self, policy_id: str, score: float) -> int:
        if score > self.threshold:
            self.save(policy_id)
        return self._driver.fetch_a()

    def save(self, policy_id: str) -> None:
        """Store one activation."""
        self._driver.insert_a(policy_id)
'''

# Methods that only do database work move whole, under public names from their operation
# (`INSERT INTO a` -> insert_a, `SELECT ... FROM a` -> fetch_a); the private one is gone
# from the engine, whose callers now reach the driver.
CLASS_DRIVER = '''\
# Layer: L6 — Drivers
# Role: Database operations of bridges: insert_a, fetch_a

from sqlalchemy import text


class BridgeDriver:
    """Database operations of Bridge (its engine keeps the logic)."""

    def __init__(self, session_factory) -> None:
        self.session_factory = session_factory

    def insert_a(self, policy_id: str) -> None:
        """Store one activation."""
        with self.session_factory() as session:
            session.execute(text("INSERT INTO a VALUES (:p)"), {"p": policy_id})
            session.commit()

    def fetch_a(self) -> int:
        with self.session_factory() as session:
            return session.execute(text("SELECT count(*) FROM a")).scalar_one()
'''


def test_a_mixed_class_is_split_into_engine_and_driver_classes() -> None:
    result = split(
        "from .models import Row\n" + CLASS_BEFORE,
        names="auto",
        module="app.x.bridges",
        driver_module="app.x.bridges_driver",
    )
    assert result.engine_source == CLASS_ENGINE.replace(
        "\nfrom .bridges_driver", "\nfrom .models import Row\nfrom .bridges_driver"
    )
    assert result.driver_source == CLASS_DRIVER
    assert result.moved == ["Bridge.save", "Bridge._count"]
    assert result.driver_classes == {"Bridge": "BridgeDriver"}
    again = split(
        result.engine_source,
        names="auto",
        module="app.x.bridges",
        driver_module="app.x.bridges_driver",
        driver_source=result.driver_source,
    )
    assert (again.engine_source, again.driver_source) == (
        result.engine_source,
        result.driver_source,
    )


def test_type_hint_only_imports_go_under_type_checking() -> None:
    source = """\
from sqlalchemy import text
from sqlalchemy.orm import Session


def save(session: Session) -> None:
    session.execute(text("DELETE FROM a"))


def plan(session: Session, n: int) -> int:
    save(session)
    return n + 1
"""
    result = split(source, names="auto", module="app.x.mixed", driver_module="app.x.mixed_driver")
    assert (
        result.engine_source
        == """\
# Layer: L5 — Domain Engines

from typing import TYPE_CHECKING

from app.x.mixed_driver import save

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def plan(session: "Session", n: int) -> int:
    save(session)
    return n + 1
"""
    )
    assert result.type_checking_imports == ["Session"]


@pytest.mark.parametrize(
    ("source", "kwargs", "message"),
    [
        (
            "from sqlalchemy import text\n\n\ndef decide() -> bool:\n    return True\n\n\n"
            "def save(session) -> None:\n    if decide():\n        session.execute(text('x'))\n",
            {"names": "auto"},
            "cannot split app.x.m: the database code needs decide (a public function), which "
            "stays in the engine; a driver must not import the engine (L6 may not import L5)",
        ),
        (
            BRIDGES,
            {"names": ["record_policy_activation"]},
            "the engine would still do database work: count_activations (imports sqlalchemy "
            "at line 34, calls session.execute() at line 36). List it too, or split with "
            "partial",
        ),
        (BRIDGES, {"names": "auto", "partial": True}, "a partial split needs the names"),
        (BRIDGES, {"names": ["nowhere"]}, "nowhere is not defined in the module"),
        (
            CLASS_BEFORE.replace(
                "session.commit()", "session.commit()\n            self.run('x', 0)"
            ),
            {"names": "auto"},
            "Bridge.save uses self.run, which stays in the engine: a driver must not call "
            "engine logic",
        ),
        (
            CLASS_BEFORE + "\n    def reset(self, factory) -> None:\n"
            "        self.session_factory = factory\n",
            {"names": "auto"},
            "Bridge.save uses self.session_factory, which the engine reassigns outside "
            "__init__: the driver would keep a stale copy",
        ),
        (
            "from sqlalchemy import text\n\nengine = text('x')\n\n\ndef f() -> int:\n"
            "    return 1\n\n\ndef g(s) -> None:\n    s.execute(text('y'))\n",
            {"names": "auto"},
            "the engine would still use SQLAlchemy at runtime: text at line 3",
        ),
    ],
)
def test_refusals_name_the_culprit(source: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CodemodRefusal, match=re.escape(message)):
        split(source, module="app.x.m", driver_module="app.x.m_driver", **kwargs)  # type: ignore[arg-type]


def test_unparseable_source_raises_the_parser_error() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        split("def f(:\n", names="auto", module="app.x.m", driver_module="app.x.m_driver")


# --- the split code runs for real, on SQLite -------------------------------------------------

COST_SNAPSHOTS = '''\
# Layer: L5 — Domain Engine
# AUDIENCE: CUSTOMER
"""Cost snapshots: anomaly logic with embedded persistence."""

import logging

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

THRESHOLD = 2.0


def save_snapshot(session: Session, tenant: str, cost: float) -> None:
    session.execute(
        text("INSERT INTO snapshots (tenant, cost) VALUES (:t, :c)"), {"t": tenant, "c": cost}
    )


def is_anomaly(cost: float, baseline: float) -> bool:
    return baseline > 0 and cost / baseline >= THRESHOLD


def record(session: Session, tenant: str, cost: float, baseline: float) -> bool:
    save_snapshot(session, tenant, cost)
    return is_anomaly(cost, baseline)


class SnapshotService:
    """Computes baselines from recent snapshots, stores new ones."""

    def __init__(self, engine: Engine, window: int = 3) -> None:
        self.engine = engine
        self.window = window

    def baseline(self, tenant: str) -> float:
        costs = self._recent_costs(tenant)
        return sum(costs) / len(costs) if costs else 0.0

    def check(self, tenant: str, cost: float) -> bool:
        anomaly = is_anomaly(cost, self.baseline(tenant))
        self.store(tenant, cost)
        return anomaly

    def store(self, tenant: str, cost: float) -> None:
        with Session(self.engine) as session:
            save_snapshot(session, tenant, cost)
            session.commit()
        logger.info("stored %s", tenant)

    def _recent_costs(self, tenant: str) -> list[float]:
        with Session(self.engine) as session:
            rows = session.execute(
                text("SELECT cost FROM snapshots WHERE tenant = :t ORDER BY id DESC LIMIT :n"),
                {"t": tenant, "n": self.window},
            )
            return [row[0] for row in rows]
'''


@pytest.fixture
def split_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A tmp package `pkg_split` with the original, the engine and the driver modules."""
    result = split(
        COST_SNAPSHOTS,
        names="auto",
        module="pkg_split.drivers.cost_snapshots",
        engine_module="pkg_split.engines.cost_snapshots_engine",
        driver_module="pkg_split.drivers.cost_snapshots_driver",
    )
    assert result.moved == [
        "save_snapshot",
        "SnapshotService.store",
        "SnapshotService._recent_costs",
    ]
    files = {
        "pkg_split/__init__.py": "",
        "pkg_split/drivers/__init__.py": "",
        "pkg_split/engines/__init__.py": "",
        "pkg_split/drivers/cost_snapshots.py": COST_SNAPSHOTS,
        "pkg_split/engines/cost_snapshots_engine.py": result.engine_source,
        "pkg_split/drivers/cost_snapshots_driver.py": result.driver_source,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / "pkg_split"
    for name in [m for m in sys.modules if m.startswith("pkg_split")]:
        del sys.modules[name]


def _database(sqlalchemy_engine_url: str = "sqlite://") -> object:
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlalchemy_engine_url)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE snapshots (id INTEGER PRIMARY KEY, tenant TEXT, cost REAL)")
        )
    return engine


def _rows(engine: object) -> list[tuple[str, float]]:
    from sqlalchemy import text

    with engine.connect() as connection:  # type: ignore[attr-defined]
        found = connection.execute(text("SELECT tenant, cost FROM snapshots ORDER BY id"))
        return [tuple(row) for row in found]


def _runtime_imports(source: str) -> set[str]:
    """Modules imported outside `if TYPE_CHECKING:` blocks."""
    found: set[str] = set()
    tree = ast.parse(source)
    skip = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _modules() -> tuple[ModuleType, ModuleType, ModuleType]:
    return (
        importlib.import_module("pkg_split.drivers.cost_snapshots"),
        importlib.import_module("pkg_split.engines.cost_snapshots_engine"),
        importlib.import_module("pkg_split.drivers.cost_snapshots_driver"),
    )


def test_split_functions_still_do_the_database_work(split_package: Path) -> None:
    _, engine_module, driver_module = _modules()
    engine_source = (split_package / "engines/cost_snapshots_engine.py").read_text()
    assert not {m for m in _runtime_imports(engine_source) if m.startswith("sqlalchemy")}
    assert read_header(engine_source)["Layer"] == "L5 — Domain Engine"
    assert read_header((split_package / "drivers/cost_snapshots_driver.py").read_text()) == {
        "Layer": "L6 — Drivers",
        "AUDIENCE": "CUSTOMER",
        # What the driver holds, as far as the line length (88 here) allows.
        "Role": "Database operations of cost_snapshots_engine: save_snapshot, store, ...",
    }
    # The engine's function reaches the database through the driver's function.
    assert engine_module.save_snapshot is driver_module.save_snapshot
    from sqlalchemy.orm import Session

    database = _database()
    with Session(database) as session:  # type: ignore[call-overload]
        assert engine_module.record(session, "acme", 10.0, 4.0) is True
        session.commit()
    assert _rows(database) == [("acme", 10.0)]


def test_split_class_keeps_constructor_and_public_signatures(split_package: Path) -> None:
    original, engine_module, driver_module = _modules()
    before, after = original.SnapshotService, engine_module.SnapshotService
    for name in ("baseline", "check", "store"):
        assert str(inspect.signature(getattr(after, name))) == str(
            inspect.signature(getattr(before, name))
        )
    init_before = list(inspect.signature(before.__init__).parameters.values())
    init_after = list(inspect.signature(after.__init__).parameters.values())
    assert [(p.name, p.kind, p.default) for p in init_after[:-1]] == [
        (p.name, p.kind, p.default) for p in init_before
    ]
    assert (init_after[-1].name, init_after[-1].default) == ("driver", None)

    database = _database()
    calls: list[str] = []

    class Recording(driver_module.SnapshotServiceDriver):  # type: ignore[misc,name-defined]
        def store(self, tenant: str, cost: float) -> None:
            calls.append(f"store {tenant}")
            super().store(tenant, cost)

        def fetch_snapshots(self, tenant: str) -> list[float]:
            calls.append(f"recent {tenant}")
            return super().fetch_snapshots(tenant)  # type: ignore[no-any-return]

    # Existing constructors keep working; the engine builds its own driver.
    service = after(database, window=2)
    assert isinstance(service._driver, driver_module.SnapshotServiceDriver)
    assert service.check("acme", 5.0) is False
    assert service.check("acme", 20.0) is True
    # With a driver handed in, every database call goes through it.
    # The private `_recent_costs` moved whole, as the public `fetch_snapshots` (named from
    # its query); the engine's `store` keeps its logging and calls the driver's `store`.
    recorded = after(database, 2, driver=Recording(engine=database, window=2))
    assert recorded.check("acme", 1.0) is False
    assert calls == ["recent acme", "store acme"]
    assert _rows(database) == [("acme", 5.0), ("acme", 20.0), ("acme", 1.0)]
    assert recorded.baseline("acme") == pytest.approx(10.5)


def test_after_the_split_the_engine_has_no_database_code_left(split_package: Path) -> None:
    engine_source = (split_package / "engines/cost_snapshots_engine.py").read_text()
    driver_source = (split_package / "drivers/cost_snapshots_driver.py").read_text()
    assert not [c.name for c in classify(engine_source) if c.is_db]
    moved = {
        "save_snapshot",
        "SnapshotServiceDriver.store",
        "SnapshotServiceDriver.fetch_snapshots",
    }
    assert {c.name for c in classify(driver_source) if c.is_db} == moved
    again = split(
        engine_source,
        names="auto",
        module="pkg_split.engines.cost_snapshots_engine",
        driver_module="pkg_split.drivers.cost_snapshots_driver",
        driver_source=driver_source,
    )
    assert (again.engine_source, again.driver_source) == (engine_source, driver_source)


def test_the_command_writes_the_driver_next_to_the_engine(tmp_path: Path) -> None:
    driver_path = tmp_path / "bridges_driver.py"
    command = SplitHybridCommand(
        CodemodContext(),
        names="record_policy_activation",
        driver_module=DRIVER,
        module=MODULE,
        driver_path=str(driver_path),
        partial=True,
        hybrid_note="count_activations still queries the database (M25)",
        role="Policy activation persistence",
    )
    result = transform_module(command, BRIDGES)
    assert isinstance(result, TransformSuccess)
    assert result.code == BRIDGES_PARTIAL
    assert driver_path.read_text() == BRIDGES_DRIVER
