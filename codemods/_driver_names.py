"""Public names for driver methods, from what their statements do.

`insert_anomaly`, `fetch_baseline`, `update_bridge`: the verb comes from the first
database operation (a `select`/`insert`/`update`/`delete` construct, the SQL keyword of a
`text()` statement, `session.add`/`get`/`delete`/`query`), the noun from the model or
table it touches (the model class, `table("name")`, the table after FROM/INTO/UPDATE).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import libcst as cst

from codemods._module_graph import dotted

_VERBS = {"select": "fetch", "insert": "insert", "update": "update", "delete": "delete"}
_SESSION_VERBS = {
    "add": "insert",
    "add_all": "insert",
    "get": "fetch",
    "query": "fetch",
    "delete": "delete",
    "merge": "save",
    "refresh": "refresh",
}
_UNIT_OF_WORK = ("flush", "commit", "rollback")
#: Calls that wrap the model or column they name (`distinct(Model.x)`, `aliased(Model)`).
_WRAPPERS = ("aliased", "distinct", "cast", "type_coerce")
_SQL_VERB = re.compile(r"^\s*(select|insert|update|delete|with)\b", re.IGNORECASE)
_SQL_TABLE = re.compile(
    r"\b(?:from|into|update)\s+[\"`]?(?P<table>[A-Za-z_][A-Za-z0-9_.]*)", re.IGNORECASE
)


def operation_name(statements: Sequence[cst.CSTNode], fallback: str) -> str:
    """The driver method name for `statements`; `fallback` (the method's own name, made
    public) when no operation is recognised."""
    assigned = _assignments(statements)
    for call in _calls(statements):
        found = _operation(call, assigned)
        if found is not None:
            verb, noun = found
            if noun:
                return f"{verb}_{_noun(noun, verb)}"
    calls = _calls(statements)
    unit_of_work = [c for c in calls if dotted(c.func).rsplit(".", 1)[-1] in _UNIT_OF_WORK]
    if unit_of_work and len(unit_of_work) == len(calls):
        # Only `session.flush()`, `commit()` or `rollback()`: the operation is that.
        return dotted(unit_of_work[0].func).rsplit(".", 1)[-1]
    return fallback.lstrip("_") or "run"


def _operation(
    call: cst.Call, assigned: dict[str, cst.BaseExpression]
) -> tuple[str, str | None] | None:
    callee = call.func
    last = callee.attr.value if isinstance(callee, cst.Attribute) else dotted(callee)
    first = call.args[0].value if call.args else None
    if isinstance(callee, cst.Name) and last in _VERBS:
        return _VERBS[last], _target(first, assigned)
    if isinstance(callee, cst.Name) and last == "text" and first is not None:
        sql = _string(first)
        if sql is None:
            return None
        verb = _SQL_VERB.match(sql)
        table = _SQL_TABLE.search(sql)
        kind = verb.group(1).lower() if verb else "execute"
        return _VERBS.get(kind, "execute"), table.group("table").split(".")[-1] if table else None
    if isinstance(callee, cst.Attribute) and last in _SESSION_VERBS:
        noun = _target(first, assigned)
        if noun is None and isinstance(first, cst.Name):
            noun = first.value
        return _SESSION_VERBS[last], noun
    return None


def _target(node: cst.BaseExpression | None, assigned: dict[str, cst.BaseExpression]) -> str | None:
    """The model or table an expression names: `Model`, `Model.column`, `table("t")`, a
    local name assigned one of these."""
    seen: set[str] = set()
    while node is not None:
        if isinstance(node, cst.Call):
            name = dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            if last == "table" and node.args:
                return _string(node.args[0].value)
            if name.startswith("func.") or last in _WRAPPERS:
                # `func.sum(Model.x)`, `aliased(Model)`: the model is inside.
                node = node.args[0].value if node.args else None
                continue
            if last[:1].isupper():
                return last  # `Model(...)`, `models.Model(...)`
            if isinstance(node.func, cst.Attribute):
                node = node.func.value  # `Model.amount.label("x")`: the receiver
                continue
            return None
        if isinstance(node, cst.Attribute):
            root: cst.BaseExpression = node
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name) and root.value in assigned and root.value not in seen:
                seen.add(root.value)
                node = assigned[root.value]
                continue
            return root.value if isinstance(root, cst.Name) else None
        if isinstance(node, cst.Name):
            if node.value in assigned and node.value not in seen:
                seen.add(node.value)
                node = assigned[node.value]
                continue
            return node.value if node.value[:1].isupper() else None
        return None
    return None


def _noun(noun: str, verb: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", noun).lower().strip("_")
    if verb != "fetch":
        snake = _singular(snake)
    return snake


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _assignments(statements: Iterable[cst.CSTNode]) -> dict[str, cst.BaseExpression]:
    found: dict[str, cst.BaseExpression] = {}
    for statement in statements:
        for node in _walk(statement):
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                if isinstance(target, cst.Name):
                    value = node.value
                    found.setdefault(
                        target.value, value.expression if isinstance(value, cst.Await) else value
                    )
    return found


def _calls(statements: Iterable[cst.CSTNode]) -> list[cst.Call]:
    """Calls in source order (outer calls before the calls in their arguments)."""
    found: list[cst.Call] = []

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> bool:
            found.append(node)
            return True

    for statement in statements:
        statement.visit(_Calls())
    # `session.execute(insert(t))`: the construct names the operation, not `execute`.
    return sorted(found, key=lambda call: dotted(call.func).rsplit(".", 1)[-1] == "execute")


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
