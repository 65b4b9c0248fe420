"""Which functions and methods of a module do database work, and the evidence why.

Evidence is what a reviewer can check in the source: a SQLAlchemy/SQLModel import
inside the function, a call of a SQLAlchemy name (`select()`, `text()`, `Session()`),
a session method (`session.execute()`, `db.commit()`), or opening a session
(`self.session_factory()`). Names used only in annotations are not evidence: an
engine may mention `Session` in a type hint and pass the session on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from codemods._module_graph import dotted

DB_PACKAGES = ("sqlalchemy", "sqlmodel")
#: Methods that are database work on any session-like receiver.
SESSION_METHODS = frozenset(
    {
        "execute",
        "exec",
        "exec_driver_sql",
        "scalars",
        "scalar",
        "scalar_one",
        "scalar_one_or_none",
        "commit",
        "rollback",
        "flush",
        "refresh",
        "add",
        "add_all",
        "delete",
        "merge",
        "query",
        "get",
        "begin",
        "connect",
        "stream",
    }
)
_SESSION_RECEIVER = re.compile(
    r"(session|^db$|^conn$|^connection$|^engine$|^tx$|^txn$|^uow$|^cursor$)"
)


def is_db_module(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in DB_PACKAGES)


@dataclass(frozen=True)
class Classification:
    """The verdict on one top-level function, class or method.

    `name` is `func`, `Class` or `Class.method`; `verdict` is `db` or `logic` (`mixed`
    for a class with both kinds of methods); `reasons` are the evidence, e.g.
    `imports sqlalchemy at line 42`, `calls session.execute() at line 50`.
    """

    name: str
    kind: str  # "function" | "class" | "method"
    verdict: str  # "db" | "logic" | "mixed"
    line: int
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_db(self) -> bool:
        return self.verdict == "db"


def classify(source: str) -> list[Classification]:
    """The verdict on every top-level function and class of `source`, and each method."""
    return classify_module(cst.parse_module(source))


class DbEvidence:
    """Database evidence for any node of one module (the nodes of `module` itself)."""

    def __init__(self, module: cst.Module) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.module = module
        self.positions = wrapper.resolve(PositionProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.db_uses = _module_db_references(wrapper, module_db_names(module))

    def of(self, node: cst.CSTNode) -> list[str]:
        """The evidence inside `node` (annotations are no evidence)."""
        visitor = _Evidence(self.db_uses, self.positions)
        node.visit(visitor)
        return list(dict.fromkeys(visitor.reasons))

    def line(self, node: cst.CSTNode) -> int:
        return _line(node, self.positions)

    def end_line(self, node: cst.CSTNode) -> int:
        return self.positions[node].end.line


def classify_module(module: cst.Module) -> list[Classification]:
    evidence = DbEvidence(module)
    positions = evidence.positions
    db_names = evidence.db_uses
    found: list[Classification] = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            reasons = _evidence(statement, db_names, positions)
            found.append(_verdict(statement.name.value, "function", statement, reasons, positions))
        elif isinstance(statement, cst.ClassDef):
            found.extend(_classify_class(statement, db_names, positions))
    return found


def module_db_names(module: cst.Module) -> dict[str, str]:
    """Names bound by the module's top-level SQLAlchemy/SQLModel imports -> their module."""
    names: dict[str, str] = {}
    for statement in module.body:
        body: Sequence[cst.CSTNode] = ()
        if isinstance(statement, cst.SimpleStatementLine):
            body = statement.body
        for small in body:
            names.update(_db_imports(small))
    return names


def _module_db_references(wrapper: MetadataWrapper, names: dict[str, str]) -> dict[int, str]:
    """id(node) of every use of a module-level database import -> `name (module)`."""
    global_scope = wrapper.resolve(ScopeProvider)[wrapper.module]
    assert global_scope is not None
    uses: dict[int, str] = {}
    for name, module in names.items():
        for assignment in global_scope[name]:
            for access in assignment.references:
                uses[id(access.node)] = f"{name} ({module})"
    return uses


def is_model_module(module: str) -> bool:
    """`app.models`, `app.models.costs`: the ORM models' package (L7 in the HOC layout)."""
    return "models" in module.split(".")


def _db_imports(node: cst.CSTNode) -> dict[str, str]:
    """Names a statement binds from SQLAlchemy/SQLModel, or from a `models` package (ORM
    models: constructing or querying one is database work)."""
    names: dict[str, str] = {}
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted(alias.name)
            if is_db_module(full):
                names[alias.evaluated_alias or full.split(".")[0]] = full
    elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        module = dotted(node.module)
        if (is_db_module(module) and not node.relative) or is_model_module(module):
            shown = "." * len(node.relative) + module
            for alias in node.names:
                names[alias.evaluated_alias or dotted(alias.name)] = shown
    return names


def _classify_class(
    klass: cst.ClassDef, db_names: dict[int, str], positions: object
) -> list[Classification]:
    name = klass.name.value
    db_bases = [dotted(arg.value) for arg in klass.bases if id(_root_name(arg.value)) in db_names]
    methods = [
        _verdict(
            f"{name}.{item.name.value}",
            "method",
            item,
            _evidence(item, db_names, positions),
            positions,
        )
        for item in klass.body.body
        if isinstance(item, cst.FunctionDef)
    ]
    line = _line(klass, positions)
    if db_bases:
        reasons = tuple(
            f"derives from {base} (a database model) at line {line}" for base in db_bases
        )
        return [Classification(name, "class", "db", line, reasons), *methods]
    kinds = {method.verdict for method in methods}
    verdict = "mixed" if kinds == {"db", "logic"} else ("db" if kinds == {"db"} else "logic")
    reasons = tuple(f"{method.name.split('.')[-1]}: {method.verdict}" for method in methods) or (
        "no methods",
    )
    return [Classification(name, "class", verdict, line, reasons), *methods]


def _verdict(
    name: str, kind: str, node: cst.CSTNode, reasons: list[str], positions: object
) -> Classification:
    verdict = "db" if reasons else "logic"
    shown = tuple(reasons) if reasons else ("no database access found",)
    return Classification(name, kind, verdict, _line(node, positions), shown)


def _line(node: cst.CSTNode, positions: object) -> int:
    return positions[node].start.line  # type: ignore[index,no-any-return]


def _evidence(function: cst.FunctionDef, db_names: dict[int, str], positions: object) -> list[str]:
    visitor = _Evidence(db_names, positions)
    function.body.visit(visitor)
    for decorator in function.decorators:
        decorator.visit(visitor)
    return list(dict.fromkeys(visitor.reasons))


def _root_name(node: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node


class _Evidence(cst.CSTVisitor):
    def __init__(self, db_uses: dict[int, str], positions: object) -> None:
        self.db_uses = db_uses
        self.positions = positions
        self.reasons: list[str] = []
        self.in_annotation = 0
        self.reported: set[int] = set()

    def _at(self, node: cst.CSTNode) -> str:
        return f"at line {_line(node, self.positions)}"

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        self.in_annotation += 1
        return True

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self.in_annotation -= 1

    def visit_Import(self, node: cst.Import) -> bool:
        for module in _db_imports(node).values():
            self.reasons.append(f"imports {module} {self._at(node)}")
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        found = _db_imports(node)
        if found:
            self.reasons.append(f"imports {next(iter(found.values()))} {self._at(node)}")
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        if self.in_annotation:
            return True
        callee = dotted(node.func) if isinstance(node.func, cst.Name | cst.Attribute) else ""
        last = callee.rsplit(".", 1)[-1]
        root = _root_name(node.func)
        if id(root) in self.db_uses:
            self.reported.add(id(root))
            source = self.db_uses[id(root)].split(" ", 1)[1]
            self.reasons.append(f"calls {callee}() {source} {self._at(node)}")
        elif isinstance(node.func, cst.Attribute) and last in SESSION_METHODS:
            receiver = "" if isinstance(node.func.value, cst.Call) else dotted(node.func.value)
            if receiver and _SESSION_RECEIVER.search(receiver.rsplit(".", 1)[-1].lstrip("_")):
                self.reasons.append(f"calls {receiver}.{last}() {self._at(node)}")
        elif "session" in last.lower():
            self.reasons.append(f"opens a session: calls {callee}() {self._at(node)}")
        return True

    def visit_Name(self, node: cst.Name) -> bool:
        if id(node) in self.db_uses and not self.in_annotation and id(node) not in self.reported:
            self.reasons.append(f"uses {self.db_uses[id(node)]} {self._at(node)}")
        return True
