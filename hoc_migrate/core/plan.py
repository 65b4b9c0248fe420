"""Plan and Step values, and `parse_plan`, which turns loaded YAML data into them.

Parsing collects every problem (with the plan file's line and the step) before raising one
PlanError, so a user fixes a broken plan in one go.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.layers.debt import DebtEntry
from hoc_migrate.core.paths import clean
from hoc_migrate.core.plan_schema import PLAN_SCHEMA, STEP_KINDS, STEP_SCHEMAS

# A location map from a data path (tuple of keys / indexes) to the 1-based line it came from.
LineMap = Mapping[tuple[str | int, ...], int]

MAX_STEPS = 5_000


@dataclass(frozen=True)
class Step:
    """One step of a plan: its kind, its options as written, and where it was written."""

    index: int  # 1-based, as users count
    kind: str
    options: Mapping[str, Any]
    line: int | None = None

    @property
    def label(self) -> str:
        return f"step {self.index} ({self.kind})"

    @property
    def why(self) -> str | None:
        value = self.options.get("why")
        return str(value) if value is not None else None

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


@dataclass(frozen=True)
class Expectation:
    errors: int | None = None
    by_rule: Mapping[str, int] = field(default_factory=dict)
    path: str | None = None  # where the expectation is measured; default: the scope


@dataclass(frozen=True)
class Verify:
    layer_check: bool = True
    compile: bool = True
    imports_resolve: bool = True
    command: tuple[str, ...] | str | None = None
    command_cwd: str | None = None
    timeout: float = 900.0
    expect: Expectation | None = None
    # No command given (or `command: auto`): run pytest when the project configures it.
    auto_command: bool = True
    # Run the command on the base too, to judge only what the change broke: "auto" when the
    # branch's run fails, "always", or "never".
    baseline: str = "auto"


@dataclass(frozen=True)
class Plan:
    name: str
    steps: tuple[Step, ...]
    description: str = ""
    source_roots: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()
    verify: Verify = field(default_factory=Verify)
    debt: tuple[DebtEntry, ...] = ()
    file: str = "<plan>"


_REQUIRED = re.compile(r"^'(?P<key>[^']+)' is a required property$")
_UNEXPECTED = re.compile(r"\((?P<keys>.+) (?:was|were) unexpected\)")


def _message(error: jsonschema.ValidationError) -> str:
    """jsonschema's messages, reworded for someone editing a plan by hand."""
    if error.validator == "required":
        m = _REQUIRED.match(error.message)
        if m:
            return f"'{m['key']}' is required"
    if error.validator == "additionalProperties":
        m = _UNEXPECTED.search(error.message)
        if m:
            keys = m["keys"]
            return f"unknown key{'s' if ',' in keys else ''} {keys}"
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "oneOf" and error.path and error.path[-1] == "names":
        if error.path[0] == "split_hybrid":
            return "'names' must be a list of names or 'auto'"
        return "'names' must be a list of names, 'all_dataclasses' or 'all_enums'"
    if "x-message" in schema:
        return f"{error.instance!r} {schema['x-message']}"
    if error.validator == "pattern":
        return f"{error.instance!r} does not match {schema.get('pattern')}"
    if error.validator == "format" and schema.get("format") == "date":
        return f"{error.instance!r} is not a date (YYYY-MM-DD)"
    return error.message


def _line(lines: LineMap, path: tuple[str | int, ...]) -> int | None:
    """The line of the deepest part of `path` that the loader recorded."""
    for cut in range(len(path), -1, -1):
        found = lines.get(path[:cut])
        if found is not None:
            return found
    return None


def _validate(
    schema: Mapping[str, Any],
    instance: Any,
    base: tuple[str | int, ...],
    lines: LineMap,
    file: str,
    context: str | None,
) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path))):
        path = base + tuple(error.path)
        shown = tuple(error.path)[1:] if context else tuple(error.path)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in shown).lstrip(".")
        msg = _message(error)
        if where and not msg.startswith(f"'{where}'"):
            msg = f"{where}: {msg}"
        line = _line(lines, path)
        if error.validator == "additionalProperties":  # point at the first unknown key itself
            known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
            extra = sorted(set(error.instance) - set(known))
            line = _line(lines, path + (extra[0],)) if extra else line
        problems.append(Problem(msg, file=file, line=line, context=context))
    return problems


def parse_plan(data: Any, lines: LineMap, file: str) -> Plan:
    """Build a Plan from loaded data, or raise PlanError listing every problem."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise PlanError(
            f"{file}: a plan must be a mapping with 'name' and 'steps' (got {kind})",
            [Problem("the top level of a plan is a mapping", file=file, line=_line(lines, ()))],
        )
    steps_data = data.get("steps")
    if isinstance(steps_data, list) and len(steps_data) > MAX_STEPS:
        raise PlanError(
            f"{file}: the plan has {len(steps_data)} steps; at most {MAX_STEPS} are accepted",
            [
                Problem(
                    "split the migration into several plans",
                    file=file,
                    line=_line(lines, ("steps",)),
                )
            ],
        )

    top_schema = dict(PLAN_SCHEMA)
    top_schema["properties"] = {
        **PLAN_SCHEMA["properties"],
        "steps": {"type": "array", "minItems": 1},
    }
    problems = _validate(top_schema, data, (), lines, file, None)

    steps: list[Step] = []
    if isinstance(steps_data, list):
        for i, raw in enumerate(steps_data):
            path: tuple[str | int, ...] = ("steps", i)
            line = _line(lines, path)
            if not isinstance(raw, dict) or len(raw) != 1:
                problems.append(
                    Problem(
                        f"a step is a mapping with exactly one key, one of: {', '.join(STEP_KINDS)}",
                        file=file,
                        line=line,
                        context=f"step {i + 1}",
                    )
                )
                continue
            ((kind, options),) = raw.items()
            if kind not in STEP_SCHEMAS:
                problems.append(
                    Problem(
                        f"unknown step kind '{kind}' (expected one of: {', '.join(STEP_KINDS)})",
                        file=file,
                        line=line,
                        context=f"step {i + 1}",
                    )
                )
                continue
            label = f"step {i + 1} ({kind})"
            if not isinstance(options, dict):
                problems.append(
                    Problem(
                        f"the options of '{kind}' must be a mapping",
                        file=file,
                        line=line,
                        context=label,
                    )
                )
                continue
            problems += _validate(STEP_SCHEMAS[kind], raw, path, lines, file, label)
            steps.append(Step(index=i + 1, kind=kind, options=options, line=line))

    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise PlanError(
            f"{file}: the plan is not valid ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''})",
            problems,
        )

    verify_data = data.get("verify") or {}
    expect_data = verify_data.get("expect")
    command = verify_data.get("command")
    keyword = command if command in ("auto", "none") else None
    verify = Verify(
        layer_check=verify_data.get("layer_check", True),
        compile=verify_data.get("compile", True),
        imports_resolve=verify_data.get("imports_resolve", True),
        command=None
        if keyword or command is None
        else (tuple(command) if isinstance(command, list) else command),
        auto_command=keyword == "auto" or command is None,
        baseline=_baseline_mode(verify_data.get("baseline", "auto")),
        command_cwd=verify_data.get("command_cwd"),
        timeout=float(verify_data.get("timeout", 900)),
        expect=Expectation(
            errors=expect_data.get("errors"),
            by_rule=dict(expect_data.get("by_rule", {})),
            path=expect_data.get("path"),
        )
        if expect_data
        else None,
    )
    debt = tuple(
        DebtEntry(
            path=d["path"],
            rules=tuple(d["rules"]),
            reason=d["reason"],
            ticket=d.get("ticket"),
            milestone=d.get("milestone"),
            expires=dt.date.fromisoformat(d["expires"]) if d.get("expires") else None,
        )
        for d in data.get("debt", [])
    )
    return Plan(
        name=data["name"],
        description=data.get("description", ""),
        steps=tuple(steps),
        source_roots=tuple(data.get("source_roots", ())),
        scope=tuple(data.get("scope", ())),
        verify=verify,
        debt=debt,
        file=file,
    )


def _baseline_mode(value: object) -> str:
    if value is True:
        return "always"
    if value is False:
        return "never"
    return "auto"


def made_by_earlier_step(steps: Sequence[Step], index: int, path: str) -> bool:
    """Whether a step before step `index` (1-based) writes at or below `path`: a folder the
    plan itself creates, which a second run finds gone once later steps emptied it."""
    for earlier in steps[: index - 1]:
        target = earlier.get("to")
        if isinstance(target, str) and (
            clean(target) == path or clean(target).startswith(path + "/")
        ):
            return True
    return False


def final_location(steps: Sequence[Step], after: int, path: str) -> str:
    """Where the moves after step `after` (1-based) take `path`."""
    current = path
    for later in steps[after:]:
        if later.kind != "move" or later.get("from") is None or later.get("to") is None:
            continue
        src, dst = clean(str(later.get("from"))), clean(str(later.get("to")))
        if current == src or current.startswith(src + "/"):
            current = dst + current[len(src) :]
    return current
