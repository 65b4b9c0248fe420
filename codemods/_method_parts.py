"""What the method split produces: the database parts of a method, and its plan (moved
whole, or its parts extracted), as `_extract_method` finds them and the driver and
engine code is written from them."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from codemods._hoist import Hoisted


@dataclass
class Part:
    """One run of database statements of a method, to become one driver method."""

    statements: list[cst.BaseStatement]
    block: int  # id() of the sequence holding them (an IndentedBlock)
    line: int
    end_line: int
    reasons: list[str]
    depth: int = 0  # blocks between the method body and the part
    tail: bool = False  # ends the method: the engine returns what the driver returns
    returns: bool = False  # a tail part with `return` statements
    is_async: bool = False
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)  # `self.x` read: passed by value
    state: list[str] = field(default_factory=list)  # `self.session`: held by the driver
    calls: list[str] = field(default_factory=list)  # other database methods it calls
    imports: list[cst.SimpleStatementLine] = field(default_factory=list)  # local imports
    hoisted: list[Hoisted] = field(default_factory=list)  # engine data, computed there
    name: str = ""

    @property
    def hoisted_parameters(self) -> list[Hoisted]:
        """One per parameter (the same expression twice is passed once)."""
        return list({h.parameter: h for h in self.hoisted}.values())


@dataclass
class MethodPlan:
    """How one database method of a class splits: moved whole, or its parts extracted."""

    method: str
    node: cst.FunctionDef
    whole: bool
    parts: list[Part]
    notes: list[str]  # what moves and what stays, with the line and why
    dropped: set[int] = field(default_factory=set)  # id() of local imports leaving the engine
