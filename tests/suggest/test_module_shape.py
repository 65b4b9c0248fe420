"""What a module's content says it is, as `plan suggest` weighs it: a schema when its data
outweighs its logic, a driver when it works with the database, an engine otherwise."""

from __future__ import annotations

from hoc_migrate.adapters.module_shapes import read_shape
from hoc_migrate.core.module_shape import DRIVER, ENGINE, SCHEMA, content_kind

TYPES = """\
from dataclasses import dataclass
from enum import StrEnum

ORDER = ("open", "paid")


class Stage(StrEnum):
    OPEN = "open"
    PAID = "paid"


@dataclass(frozen=True)
class Event:
    stage: Stage
    amount: float
    note: str = ""
"""


def kind(source: str) -> str:
    shape = read_shape(source.encode())
    assert shape is not None
    database = bool(shape.imports_at_runtime(["sqlalchemy"])) or shape.session_calls
    return content_kind(shape, database)


def test_data_types_with_a_small_helper_are_a_schema() -> None:
    helper = "\n\ndef can_pay(stage: Stage) -> bool:\n    return stage is Stage.OPEN\n"
    assert kind(TYPES) == SCHEMA
    assert kind(TYPES + helper) == SCHEMA


def test_logic_that_outweighs_the_data_is_an_engine() -> None:
    rules = "".join(
        f"\n\ndef rule_{i}(e: Event) -> bool:\n    if e.amount > {i}:\n        return True\n"
        "    return False\n"
        for i in range(3)
    )
    assert kind(TYPES + rules) == ENGINE
    # Any class that is not a data type holds behaviour.
    assert kind(TYPES + "\n\nclass Ledger:\n    pass\n") == ENGINE


def test_database_work_makes_a_driver() -> None:
    lazy = "\n\ndef load(session):\n    return session.execute('SELECT 1')\n"
    assert kind(TYPES + lazy) == DRIVER
    typed_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlalchemy\n"
    assert kind(typed_only + TYPES) == SCHEMA  # an annotation-only import is no database work


def test_a_module_that_does_not_parse_has_no_shape() -> None:
    assert read_shape(b"def (:\n") is None
