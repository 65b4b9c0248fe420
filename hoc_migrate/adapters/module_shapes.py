"""What a module holds, read with `ast`: its data types, constants, functions and imports (the
evidence `plan suggest` weighs to say whether a module is a schema, an engine or a driver)."""

from __future__ import annotations

import ast

from hoc_migrate.core.module_shape import ImportedNames, ModuleShape

_DATA_BASES = frozenset(
    {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "NamedTuple", "TypedDict", "BaseModel"}
)
_DB_CALLS = frozenset(
    {"execute", "scalars", "scalar", "add", "add_all", "flush", "commit", "merge", "delete"}
)


def _name(node: ast.expr) -> str:
    """`dataclasses.dataclass(...)` -> 'dataclass'; `enum.StrEnum` -> 'StrEnum'."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _is_data_type(node: ast.ClassDef) -> bool:
    return any(_name(d) == "dataclass" for d in node.decorator_list) or any(
        _name(b) in _DATA_BASES for b in node.bases
    )


def _statements(nodes: list[ast.stmt]) -> int:
    """Statements below these, nested ones included; docstrings and `...` not counted."""
    count = 0
    for node in nodes:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        count += 1
        for name in ("body", "orelse", "finalbody"):
            count += _statements(getattr(node, name, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            count += _statements(handler.body)
    return count


def _is_data_member(node: ast.stmt) -> bool:
    return isinstance(node, ast.AnnAssign | ast.Assign)


def _session_calls(tree: ast.Module) -> bool:
    """A call like `session.execute(...)` / `self._session.add(...)`: database work."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else _name(owner)
            if node.func.attr in _DB_CALLS and "session" in owner_name.lower():
                return True
    return False


def _type_checking(node: ast.If) -> bool:
    return _name(node.test) == "TYPE_CHECKING"


def _imports(tree: ast.Module) -> list[ImportedNames]:
    found: list[ImportedNames] = []

    def visit(nodes: list[ast.stmt], guarded: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.ImportFrom):
                names = tuple(a.name for a in node.names)
                found.append(ImportedNames(node.module or "", names, node.level, guarded))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    found.append(ImportedNames(alias.name, (), 0, guarded))
            elif isinstance(node, ast.If):
                visit(node.body, guarded or _type_checking(node))
                visit(node.orelse, guarded)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(node.body, guarded)
            elif isinstance(node, ast.Try | ast.With | ast.AsyncWith):
                visit(node.body, guarded)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, guarded)

    visit(tree.body, False)
    return found


def read_shape(source: bytes) -> ModuleShape | None:
    """The module's shape; None when it does not parse (the check reports that)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    data_types: list[str] = []
    classes: list[str] = []
    functions: list[str] = []
    constants: list[str] = []
    data_members = logic = 0
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            methods = [
                n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]
            logic += sum(_statements(m.body) for m in methods)
            if _is_data_type(node):
                data_types.append(node.name)
                data_members += sum(1 for n in node.body if _is_data_member(n))
            else:
                classes.append(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.append(node.name)
            logic += _statements(node.body)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id != "__all__":
                    constants.append(target.id)
                    data_members += 1
    return ModuleShape(
        data_types=tuple(data_types),
        classes=tuple(classes),
        functions=tuple(functions),
        constants=tuple(constants),
        data_members=data_members,
        logic_statements=logic,
        imports=tuple(_imports(tree)),
        session_calls=_session_calls(tree),
    )
