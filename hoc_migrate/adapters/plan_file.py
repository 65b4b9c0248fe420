"""Loads a plan file: YAML, safely (plain data only, no tags, no aliases), with line numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from hoc_migrate.adapters.input_files import (
    STDIN_NAME,
    NotReadable,
    TooLarge,
    is_stdin,
    read_limited,
)
from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.plan import Plan, parse_plan

MAX_PLAN_BYTES = 2 * 1024 * 1024
# Plain data only: any other tag (!!python/object, !custom) is refused, never constructed.
_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses aliases at compose time: a plan never needs them, and they are how a few
    hundred bytes of YAML expand into millions of nodes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed in plans", event.start_mark
            )
        return super().compose_node(parent, index)


def _to_data(
    node: yaml.Node,
    loader: _NoAliasLoader,
    path: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    problems: list[Problem],
    file: str,
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _PLAIN_TAGS:
        problems.append(
            Problem(
                f"YAML tag {node.tag!r} is not allowed in plans",
                file=file,
                line=node.start_mark.line + 1,
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = (
                loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            )
            if not isinstance(key, str):
                problems.append(
                    Problem(
                        f"keys must be text (got {key!r})",
                        file=file,
                        line=key_node.start_mark.line + 1,
                    )
                )
                continue
            if key in out:
                problems.append(
                    Problem(f"duplicate key '{key}'", file=file, line=key_node.start_mark.line + 1)
                )
                continue
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _to_data(value_node, loader, path + (key,), lines, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_data(item, loader, path + (i,), lines, problems, file)
            for i, item in enumerate(node.value)
        ]
    try:
        value = loader.construct_object(node)
    except (yaml.YAMLError, ValueError):  # e.g. `2027-13-01` looks like a date but is not one
        value = node.value
    if isinstance(value, dt.date):  # `expires: 2027-01-31` stays the text the user wrote
        return value.isoformat()
    return value


def load_plan_data(text: str, file: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Parse YAML text into plain data plus a map from data path to line number."""
    try:
        loader = _NoAliasLoader(text)  # refuses NUL and other control characters at once
    except yaml.reader.ReaderError as exc:
        raise _unprintable(exc, text, file) from None
    try:
        node = loader.get_single_node()
    except RecursionError:  # `[[[[...]]]]`: PyYAML composes nested nodes recursively
        raise PlanError(
            f"{file}: the plan nests too deeply to be a plan (lists or mappings inside each "
            "other thousands of levels down)"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PlanError(
            f"{file}: not valid YAML", [Problem(str(exc.problem or exc), file=file, line=line)]
        ) from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{file}: not valid YAML", [Problem(str(exc), file=file)]) from None
    finally:
        loader.dispose()
    lines: dict[tuple[str | int, ...], int] = {}
    if node is None:
        return None, lines
    problems: list[Problem] = []
    try:
        data = _to_data(node, loader, (), lines, problems, file)
    except RecursionError:
        raise PlanError(f"{file}: the plan nests too deeply to be a plan") from None
    if problems:
        raise PlanError(f"{file}: the plan is not valid ({len(problems)} problems)", problems)
    return data, lines


def _unprintable(exc: yaml.reader.ReaderError, text: str, file: str) -> PlanError:
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return PlanError(
        f"{file}: not valid YAML",
        [
            Problem(
                f"column {column}: a control or special character (U+{char:04X}) that YAML "
                "does not allow",
                file=file,
                line=line,
            )
        ],
    )


def load_plan(path: Path, display: str | None = None) -> Plan:
    """Read and validate a plan file (format only; `validate_against_tree` checks the tree).

    `-` reads the plan from standard input (named `<stdin>` in messages). At most
    MAX_PLAN_BYTES are read, whatever the source (a pipe, a FIFO, `/dev/zero`)."""
    file = STDIN_NAME if is_stdin(path) else display or str(path)
    limit_mb = MAX_PLAN_BYTES // (1024 * 1024)
    try:
        raw = read_limited(path, MAX_PLAN_BYTES)
    except TooLarge as exc:
        size = f"{exc.size / 1e6:.1f} MB" if exc.size is not None else f"more than {limit_mb} MB"
        raise PlanError(
            f"{file}: the plan is {size}; plans are at most {limit_mb} MB "
            "(split the migration into several plans)"
        ) from None
    except IsADirectoryError:
        raise PlanError(f"{file}: is a folder, not a plan file") from None
    except NotReadable as exc:
        raise PlanError(f"{file}: is {exc.kind}, not a plan file") from None
    except FileNotFoundError:
        raise PlanError(f"{file}: no such plan file") from None
    except OSError as exc:
        raise PlanError(f"{file}: cannot read the plan ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(f"{file}: the plan is not UTF-8 text (byte {exc.start})") from None
    data, lines = load_plan_data(text, file)
    return parse_plan(data, lines, file)


def plan_from_text(text: str, file: str) -> Plan:
    """A plan from YAML text (format checked as a plan file's is)."""
    data, lines = load_plan_data(text, file)
    return parse_plan(data, lines, file)


def dump_plan(data: dict[str, Any], comment: str = "") -> str:
    """A plan as YAML (block style, keys in the order given), after `comment` lines."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return head + text
