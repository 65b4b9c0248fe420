"""split_hybrid inside a method: the database statements become driver methods, the
decisions stay in the engine (extract-method with the values passed in and returned)."""

from __future__ import annotations

import re

import pytest

from codemods._errors import CodemodRefusal
from codemods._header import read_header
from codemods.split_hybrid import split

MODULE = "app.ops.engines.anomaly_engine"
DRIVER = "app.ops.drivers.anomaly_driver"

MIXED = '''\
# Layer: L5 — Domain Engines
# Role: Anomaly detection with embedded DB persistence
"""Anomalies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Anomaly, Baseline

THRESHOLDS = {"critical": 3.0, "high": 2.0}


class Detector:
    def __init__(self, session: AsyncSession, window: int = 7) -> None:
        self.session = session
        self.window = window

    async def check(self, tenant_id: str, amount: float) -> str | None:
        result = await self.session.execute(
            select(Baseline.average).where(Baseline.tenant_id == tenant_id).limit(self.window)
        )
        baseline = result.scalar_one_or_none()
        if baseline is None:
            return None
        deviation = self._deviation(amount, baseline)
        if deviation >= THRESHOLDS["critical"]:
            severity = "critical"
        elif deviation >= THRESHOLDS["high"]:
            severity = "high"
        else:
            return None
        self.session.add(Anomaly(tenant_id=tenant_id, severity=severity))
        await self.session.flush()
        return severity

    def _deviation(self, amount: float, baseline: float) -> float:
        return amount / baseline if baseline else 0.0
'''

# The engine keeps every decision and the private helper it calls; `self.window` is read
# by value; AsyncSession is left only in an annotation, so it goes under TYPE_CHECKING.
ENGINE = '''\
# Layer: L5 — Domain Engines
# Role: Anomaly detection
"""Anomalies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.ops.drivers.anomaly_driver import DetectorDriver

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

THRESHOLDS = {"critical": 3.0, "high": 2.0}


class Detector:
    def __init__(
        self,
        session: AsyncSession,
        window: int = 7,
        driver: DetectorDriver | None = None,
    ) -> None:
        self.session = session
        self.window = window
        self._driver = driver or DetectorDriver(session=self.session)

    async def check(self, tenant_id: str, amount: float) -> str | None:
        baseline = await self._driver.fetch_baseline(tenant_id, self.window)
        if baseline is None:
            return None
        deviation = self._deviation(amount, baseline)
        if deviation >= THRESHOLDS["critical"]:
            severity = "critical"
        elif deviation >= THRESHOLDS["high"]:
            severity = "high"
        else:
            return None
        await self._driver.insert_anomaly(tenant_id, severity)
        return severity

    def _deviation(self, amount: float, baseline: float) -> float:
        return amount / baseline if baseline else 0.0
'''

DRIVER_TEXT = '''\
# Layer: L6 — Drivers
# Role: Database operations of anomaly_engine: fetch_baseline, insert_anomaly

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Anomaly, Baseline


class DetectorDriver:
    """Database operations of Detector (its engine keeps the logic)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def fetch_baseline(self, tenant_id: str, window: int):
        result = await self.session.execute(
            select(Baseline.average).where(Baseline.tenant_id == tenant_id).limit(window)
        )
        baseline = result.scalar_one_or_none()
        return baseline

    async def insert_anomaly(self, tenant_id: str, severity) -> None:
        self.session.add(Anomaly(tenant_id=tenant_id, severity=severity))
        await self.session.flush()
'''


def split_mixed(source: str = MIXED, **kwargs: object) -> object:
    return split(source, names="auto", module=MODULE, driver_module=DRIVER, **kwargs)  # type: ignore[arg-type]


def test_a_method_that_queries_then_decides_keeps_its_decisions() -> None:
    result = split_mixed()
    assert result.engine_source == ENGINE  # type: ignore[attr-defined]
    assert result.driver_source == DRIVER_TEXT  # type: ignore[attr-defined]
    assert result.moved == ["Detector.check"]  # type: ignore[attr-defined]
    assert result.operations == [  # type: ignore[attr-defined]
        "Detector.check lines 21-24 -> fetch_baseline",
        "Detector.check lines 34-35 -> insert_anomaly",
    ]


def test_plan_explain_notes_say_which_statements_move_and_why() -> None:
    notes = split_mixed().method_notes  # type: ignore[attr-defined]
    assert "Detector.check: line 25: if stays (a decision)" in notes
    assert "Detector.check: line 28: if stays (a decision)" in notes
    fetch, insert = (n for n in notes if "move to the driver" in n)
    assert fetch.startswith(
        "Detector.check: lines 21-24 move to the driver: calls self.session.execute() at line 21"
    )
    assert "handles the rows of result at line 24" in fetch
    assert insert.startswith(
        "Detector.check: lines 34-35 move to the driver: calls self.session.add()"
    )


def test_a_split_method_is_already_done_the_second_time() -> None:
    first = split_mixed()
    again = split_mixed(first.engine_source, driver_source=first.driver_source)  # type: ignore[attr-defined]
    assert not again.changed  # type: ignore[attr-defined]
    assert again.engine_source == first.engine_source  # type: ignore[attr-defined]
    listed = split(
        first.engine_source,  # type: ignore[attr-defined]
        names=["Detector.check"],
        module=MODULE,
        driver_module=DRIVER,
        driver_source=first.driver_source,  # type: ignore[attr-defined]
    )
    assert not listed.changed
    assert listed.already_split == ["Detector.check"]


def test_a_decision_inside_a_loop_stays_and_the_update_in_it_moves() -> None:
    source = """\
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Job


class Retrier:
    def __init__(self, session: Session) -> None:
        self.session = session

    def retry(self, limit: int) -> list[int]:
        rows = self.session.execute(select(Job.id, Job.tries)).all()
        retried = []
        for job_id, tries in rows:
            if tries >= limit:
                continue
            self.session.execute(update(Job).where(Job.id == job_id).values(tries=tries + 1))
            retried.append(job_id)
        return retried
"""
    result = split(source, names="auto", module="app.x.retry", driver_module="app.x.retry_driver")
    engine = result.engine_source
    assert (
        """\
    def retry(self, limit: int) -> list[int]:
        rows = self._driver.fetch_job()
        retried = []
        for job_id, tries in rows:
            if tries >= limit:
                continue
            self._driver.update_job(job_id, tries)
            retried.append(job_id)
        return retried
"""
        in engine
    )
    assert (
        """\
    def update_job(self, job_id, tries) -> None:
        self.session.execute(update(Job).where(Job.id == job_id).values(tries=tries + 1))
"""
        in result.driver_source
    )


def test_values_set_by_the_database_part_and_read_later_are_returned() -> None:
    source = """\
from sqlalchemy import text
from sqlalchemy.orm import Session


class Budget:
    def __init__(self, session: Session) -> None:
        self.session = session

    def headroom(self, tenant: str) -> float:
        limit = self.session.execute(text("SELECT amount FROM budgets WHERE t = :t"), {"t": tenant}).scalar()
        spent = self.session.execute(text("SELECT sum(x) FROM costs WHERE t = :t"), {"t": tenant}).scalar()
        return max(limit - spent, 0.0)
"""
    result = split(source, names="auto", module="app.x.b", driver_module="app.x.b_driver")
    assert "        limit, spent = self._driver.fetch_budgets(tenant)\n" in result.engine_source
    assert "        return limit, spent\n" in result.driver_source


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "        row = self.session.execute(text('SELECT 1')).scalar()\n"
            "        if row:\n            return 1\n"
            "        try:\n            self.session.execute(text('DELETE FROM a'))\n"
            "        except ValueError:\n            return 2\n"
            "        return 3\n",
            "cannot split A.m: line 19 returns from inside its database statements, which do "
            "not end the method",
        ),
        (
            "        for x in range(3):\n            if x:\n                continue\n"
            "            with self.session.begin():\n"
            "                self.session.execute(text('DELETE FROM a'))\n"
            "                break\n",
            "cannot split A.m: line 18 breaks out of a loop around its database statements",
        ),
        (
            "        if self.session.execute(text('SELECT 1')).scalar():\n            self.n = 1\n",
            "cannot split A.m: line 13 the if itself does database work and decides inside",
        ),
        (
            "        self.n = 0\n        self.n = self.session.execute(text('SELECT 1')).scalar()\n",
            "cannot split A.m: line 14 sets self.n inside its database statements",
        ),
        (
            "        x = 1\n        yield self.session.execute(text('SELECT 1'))\n",
            "cannot split A.m: line 14 yields inside its database statements",
        ),
        (
            "        x = 1\n        self.session.execute(text('SELECT :x'), {'x': self._pick(x)})\n",
            "cannot split A.m: line 14 calls self._pick, which stays in the engine, inside its "
            "database statements",
        ),
    ],
)
def test_what_cannot_be_extracted_is_refused_by_method_and_line(body: str, message: str) -> None:
    source = (
        "from sqlalchemy import text\n\n\nclass A:\n"
        "    def __init__(self, session) -> None:\n        self.session = session\n        self.n = 0\n\n"
        "    def _pick(self, x):\n        return x\n\n"
        "    def m(self):\n" + body
    )
    # `def m` is line 12, its first statement line 13.
    with pytest.raises(CodemodRefusal, match=re.escape(message)):
        split(source, names="auto", module="app.x.a", driver_module="app.x.a_driver")


def test_a_partial_split_leaves_no_runtime_import_used_only_in_annotations() -> None:
    source = '''\
# Layer: L5 — Domain Engines
# Role: Loop events with embedded persistence
# Note: M25 split pending
"""Loop events."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def save_event(session: AsyncSession, payload: dict) -> None:
    await session.execute(text("INSERT INTO events VALUES (:p)"), {"p": json.dumps(payload)})


async def count_events(session: AsyncSession) -> int:
    return (await session.execute(text("SELECT count(*) FROM events"))).scalar_one()


def describe(session: AsyncSession) -> str:
    return "events"
'''
    result = split(
        source,
        names=["save_event", "count_events"],
        module="app.x.events",
        driver_module="app.x.events_driver",
        partial=True,
        hybrid_note="describe still takes a session",
    )
    engine = result.engine_source
    assert "from sqlalchemy" not in engine.split("if TYPE_CHECKING:")[0]
    assert "if TYPE_CHECKING:\n    from sqlalchemy.ext.asyncio import AsyncSession\n" in engine
    # One note: the existing `# Note:` is kept up to date, no second `# NOTE:` beside it.
    assert engine.lower().count("# note:") == 1
    assert read_header(engine)["NOTE"] == "describe still takes a session"
    # `json` went with save_event, the only code using it; the blank line after
    # `from __future__` stays, the imports back are in their sorted section.
    assert (
        "\nfrom __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
        "from app.x.events_driver import count_events as count_events\n"
    ) in engine
    assert "import json" not in engine


def test_a_removed_name_leaves_no_dangling_parenthesis() -> None:
    source = """\
from sqlalchemy import (
    select,
    text,
)
from sqlalchemy.orm import Session


def load(session: Session) -> int:
    return session.execute(text("SELECT 1")).scalar()


def keep() -> object:
    return select
"""
    result = split(
        source, names=["load"], module="app.x.m", driver_module="app.x.m_driver", partial=True
    )
    assert "from sqlalchemy import (\n    select,\n)\n" in result.engine_source
