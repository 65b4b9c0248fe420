"""Extract-method on the database parts of a method that mixes logic and database work.

Each statement of a method is database work (evidence from `DbEvidence`, or handling the
rows of a query result held in a local name), logic, or a compound statement holding both,
whose blocks are looked at in turn. Every run of consecutive database statements becomes
one driver method (a `Part`): the local values it reads are passed in, the values the code
after it reads are returned, `await` makes it async. What cannot be extracted safely (a
`return` inside a part that does not end the method, a `yield`, a `nonlocal`, a loop's
`break` reaching out of the part, an engine method called from the database code, a
decision on the rows a query is still streaming) is refused, naming the method and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from codemods._db_usage import DbEvidence, is_db_module
from codemods._errors import CodemodRefusal
from codemods._module_graph import dotted, is_docstring
from codemods._self_use import param_names, self_name

#: Methods whose result is still a live database result (iterating it reads rows).
_LIVE_RESULTS = frozenset(
    {
        "execute",
        "stream",
        "scalars",
        "stream_scalars",
        "mappings",
        "unique",
        "partitions",
        "yield_per",
        "columns",
        "tuples",
        "query",
        "filter",
        "filter_by",
        "where",
        "order_by",
        "limit",
        "offset",
        "join",
        "options",
        "values",
        "returning",
        "select_from",
        "group_by",
    }
)
_DB_HANDLE_WORDS = ("session", "engine", "db", "conn", "connection", "factory", "uow", "tx")


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
    name: str = ""


@dataclass
class MethodPlan:
    """How one database method of a class splits: moved whole, or its parts extracted."""

    method: str
    node: cst.FunctionDef
    whole: bool
    parts: list[Part]
    notes: list[str]  # what moves and what stays, with the line and why
    dropped: set[int] = field(default_factory=set)  # id() of local imports leaving the engine


def is_db_handle(attribute: str) -> bool:
    """`self.session`, `self._db`, `self.session_factory`: what a driver holds, not data."""
    words = attribute.lower().strip("_").split("_")
    return any(word in _DB_HANDLE_WORDS for word in words)


def plan_method(
    klass: str,
    node: cst.FunctionDef,
    evidence: DbEvidence,
    *,
    moved_whole: set[str],
    methods: set[str],
) -> MethodPlan:
    """The split of `klass.<node>`; `moved_whole`: its class's methods moving as they are."""
    name = f"{klass}.{node.name.value}"
    analysis = _Analysis(name, node, evidence, moved_whole, methods)
    return analysis.plan()


class _Analysis:
    def __init__(
        self,
        name: str,
        node: cst.FunctionDef,
        evidence: DbEvidence,
        moved_whole: set[str],
        methods: set[str],
    ) -> None:
        self.name = name
        self.node = node
        self.evidence = evidence
        self.moved_whole = moved_whole
        self.methods = methods
        self.self_name = self_name(node)
        self.live: set[str] = set()  # local names holding a live database result
        self.parts: list[Part] = []
        self.notes: list[str] = []
        self.loops: dict[int, cst.CSTNode] = {}  # id(block) -> the loop holding it
        self.dropped: set[int] = set()  # local imports only the parts use

    def refuse(self, node: cst.CSTNode, why: str) -> CodemodRefusal:
        return CodemodRefusal(
            f"cannot split {self.name}: line {self.evidence.line(node)} {why}; "
            "split this method by hand (or list only whole methods)"
        )

    # --- which statements are database work ------------------------------------------
    def plan(self) -> MethodPlan:
        body = self.node.body
        if not isinstance(body, cst.IndentedBlock):
            return MethodPlan(self.name, self.node, True, [], ["moves whole"])
        statements = list(body.body)
        start = 1 if statements and is_docstring(statements[0]) else 0
        imports = self._local_imports(statements[start:])
        rest = [s for s in statements[start:] if id(s) not in {id(i) for i in imports}]
        self._block(rest, id(body), None, 0)
        if not self.parts or (
            len(self.parts) == 1
            and self.parts[0].block == id(body)
            and self.parts[0].statements == rest
        ):
            reasons = self.parts[0].reasons if self.parts else self.evidence.of(body)
            note = f"all database work, moves whole ({'; '.join(reasons)})"
            return MethodPlan(self.name, self.node, True, [], [note])
        self._attach_imports(imports)
        top = id(body)
        for part in self.parts:
            self._data_flow(part, top)
        return MethodPlan(self.name, self.node, False, self.parts, self.notes, self.dropped)

    def _local_imports(
        self, statements: Sequence[cst.BaseStatement]
    ) -> list[cst.SimpleStatementLine]:
        found = []
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
            ):
                modules = [_imported_module(small) for small in statement.body]
                if all(is_db_module(m) for m in modules):
                    found.append(statement)
        return found

    def _block(
        self,
        statements: Sequence[cst.BaseStatement],
        block: int,
        loop: cst.CSTNode | None,
        depth: int,
    ) -> None:
        if loop is not None:
            self.loops[block] = loop
        run: list[tuple[cst.BaseStatement, list[str]]] = []
        for statement in statements:
            verdict, reasons = self._statement(statement)
            if verdict == "db":
                run.append((statement, reasons))
                self._track_live(statement)
                continue
            self._close(run, block, depth)
            run = []
            if verdict == "mixed":
                assert isinstance(statement, cst.BaseCompoundStatement)
                self.notes.append(
                    f"line {self.evidence.line(statement)}: {_keyword(statement)} stays "
                    "(a decision), its database statements move"
                )
                inner_loop = statement if isinstance(statement, cst.For | cst.While) else loop
                for inner in _blocks(statement):
                    self._block(inner.body, id(inner), inner_loop, depth + 1)
            else:
                if _has_decision(statement) and not isinstance(statement, cst.SimpleStatementLine):
                    line = self.evidence.line(statement)
                    self.notes.append(f"line {line}: {_keyword(statement)} stays (a decision)")
                self._track_live(statement)
        self._close(run, block, depth)

    def _close(
        self, run: list[tuple[cst.BaseStatement, list[str]]], block: int, depth: int
    ) -> None:
        if not run:
            return
        first, last = run[0][0], run[-1][0]
        reasons = list(dict.fromkeys(r for _, found in run for r in found))
        self.parts.append(
            Part(
                [s for s, _ in run],
                block,
                self.evidence.line(first),
                self.evidence.end_line(last),
                reasons,
                depth,
            )
        )

    def _statement(self, statement: cst.BaseStatement) -> tuple[str, list[str]]:
        reasons = self.evidence.of(statement)
        rows = self._live_reads(statement)
        if not reasons and rows:
            line = self.evidence.line(statement)
            reasons = [f"handles the rows of {', '.join(rows)} at line {line}"]
        if not reasons:
            return "logic", []
        if isinstance(statement, cst.SimpleStatementLine) or not _has_decision(statement):
            return "db", reasons
        header = _header(statement)
        if any(self.evidence.of(h) or self._live_reads(h) for h in header):
            raise self.refuse(
                statement,
                f"the {_keyword(statement)} itself does database work and decides inside "
                "(assign the query's rows to a name first, then decide on them)",
            )
        if isinstance(statement, cst.If | cst.For | cst.While | cst.Try | cst.With):
            return "mixed", reasons
        raise self.refuse(statement, f"a {_keyword(statement)} mixes database work and logic")

    def _live_reads(self, node: cst.CSTNode) -> list[str]:
        if not self.live:
            return []
        return sorted({n.value for n in _names(node) if n.value in self.live})

    def _track_live(self, statement: cst.BaseStatement) -> None:
        if not isinstance(statement, cst.SimpleStatementLine):
            return
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if not isinstance(target, cst.Name):
                continue
            if isinstance(value, cst.Await):
                value = value.expression
            live = (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value in _LIVE_RESULTS
                and bool(self.evidence.of(small) or self._live_reads(small))
            )
            if live:
                self.live.add(target.value)
            else:
                self.live.discard(target.value)

    def _attach_imports(self, imports: list[cst.SimpleStatementLine]) -> None:
        """Each part gets the local imports it uses; the engine keeps those its logic uses."""
        inside = {id(n) for p in self.parts for s in p.statements for n in _walk(s)}
        inside |= {id(n) for i in imports for n in _walk(i)}
        outside = {n.value for n in _names(self.node.body) if id(n) not in inside}
        for statement in imports:
            bound = _bound_names(statement)
            users = [
                part
                for part in self.parts
                if bound & {n.value for s in part.statements for n in _names(s)}
            ]
            for part in users:
                part.imports.append(statement)
            if users and not bound & outside:
                self.dropped.add(id(statement))

    # --- what each part reads and returns --------------------------------------------
    def _data_flow(self, part: Part, top: int) -> None:
        inside = {id(n) for s in part.statements for n in _walk(s)}
        scope = self.evidence.scopes[self.node.params]
        assert scope is not None
        params = set(param_names(self.node))
        reads: dict[str, list[cst.CSTNode]] = {}
        assigned_inside: set[str] = set()
        assigned_outside: set[str] = set()
        later: set[str] = set()
        loop = self.loops.get(part.block)
        loop_nodes = {id(n) for n in _walk(loop)} if loop is not None else set()
        for assignment in scope.assignments:
            name = assignment.name
            if name == self.self_name:
                continue
            node = getattr(assignment, "node", None)
            if node is not None and id(node) in inside:
                assigned_inside.add(name)
            elif name not in params:
                assigned_outside.add(name)
            for access in assignment.references:
                if id(access.node) in inside:
                    reads.setdefault(name, []).append(access.node)
                elif (
                    self.evidence.line(access.node) > part.end_line or id(access.node) in loop_nodes
                ):
                    later.add(name)
        part.tail = part.block == top and self._is_last(part)
        defined: set[str] = set()
        inputs: list[str] = []
        for statement in part.statements:
            statement_ids = {id(n) for n in _walk(statement)}
            for name, nodes in reads.items():
                if name in defined or name in inputs:
                    continue
                if any(id(n) in statement_ids for n in nodes):
                    inputs.append(name)
            defined |= _unconditional_writes(statement)
        part.inputs = [n for n in inputs if n in params or n in assigned_outside]
        if not part.tail:
            outputs = sorted(assigned_inside & later)
            for name in outputs:
                if name not in defined and name not in part.inputs:
                    if name in params or name in assigned_outside:
                        part.inputs.append(name)  # passed through: set on some paths only
                    else:
                        raise self.refuse(
                            part.statements[0],
                            f"sets {name} only on some paths of its database statements",
                        )
            part.outputs = outputs
        self._check(part)
        lines = (
            f"lines {part.line}-{part.end_line}"
            if part.end_line > part.line
            else f"line {part.line}"
        )
        self.notes.append(f"{lines} move to the driver: {'; '.join(part.reasons)}")

    def _is_last(self, part: Part) -> bool:
        body = self.node.body
        assert isinstance(body, cst.IndentedBlock)
        return body.body[-1] is part.statements[-1]

    def _check(self, part: Part) -> None:
        checker = _PartChecker(self, part)
        for statement in part.statements:
            statement.visit(checker)
        part.is_async = checker.is_async
        part.returns = checker.returns
        if checker.returns and not part.tail:
            raise self.refuse(
                checker.returns_at,  # type: ignore[arg-type]
                "returns from inside its database statements, which do not end the method",
            )
        part.state = sorted(checker.state)
        part.arguments = sorted(checker.arguments)
        part.calls = sorted(checker.calls)


class _PartChecker(cst.CSTVisitor):
    """What a part uses of `self`, and the constructs that cannot leave the method."""

    def __init__(self, analysis: _Analysis, part: Part) -> None:
        self.analysis = analysis
        self.part = part
        self.depth_loop = 0
        self.is_async = False
        self.returns = False
        self.returns_at: cst.CSTNode | None = None
        self.state: set[str] = set()
        self.arguments: set[str] = set()
        self.calls: set[str] = set()
        self.written: set[int] = set()

    def refuse(self, node: cst.CSTNode, why: str) -> CodemodRefusal:
        return self.analysis.refuse(node, why)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function is its own scope (moves as it is)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Yield(self, node: cst.Yield) -> bool:
        raise self.refuse(node, "yields inside its database statements")

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        raise self.refuse(node, "uses nonlocal inside its database statements")

    def visit_Global(self, node: cst.Global) -> bool:
        raise self.refuse(node, "uses global inside its database statements")

    def visit_Await(self, node: cst.Await) -> bool:
        self.is_async = True
        return True

    def visit_For(self, node: cst.For) -> bool:
        self.is_async |= node.asynchronous is not None
        self.depth_loop += 1
        return True

    def leave_For(self, original_node: cst.For) -> None:
        self.depth_loop -= 1

    def visit_While(self, node: cst.While) -> bool:
        self.depth_loop += 1
        return True

    def leave_While(self, original_node: cst.While) -> None:
        self.depth_loop -= 1

    def visit_With(self, node: cst.With) -> bool:
        self.is_async |= node.asynchronous is not None
        return True

    def visit_Break(self, node: cst.Break) -> bool:
        if not self.depth_loop:
            raise self.refuse(node, "breaks out of a loop around its database statements")
        return False

    def visit_Continue(self, node: cst.Continue) -> bool:
        if not self.depth_loop:
            raise self.refuse(node, "continues a loop around its database statements")
        return False

    def visit_Return(self, node: cst.Return) -> bool:
        self.returns = True
        self.returns_at = self.returns_at or node
        return True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self._written(node.target)
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self._written(node.target)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self._written(node.target)
        return True

    def _written(self, target: cst.BaseExpression) -> None:
        name = self.analysis.self_name
        for inner in _walk(target):
            if (
                isinstance(inner, cst.Attribute)
                and isinstance(inner.value, cst.Name)
                and inner.value.value == name
            ):
                raise self.refuse(
                    inner,
                    f"sets self.{inner.attr.value} inside its database statements "
                    "(the driver cannot set the engine's state)",
                )

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = self.analysis.self_name
        if not (isinstance(node.value, cst.Name) and node.value.value == name):
            return True
        attribute = node.attr.value
        if attribute in self.analysis.methods:
            if attribute not in self.analysis.moved_whole:
                raise self.refuse(
                    node,
                    f"calls self.{attribute}, which stays in the engine, inside its database "
                    "statements (assign its result to a name before them)",
                )
            self.calls.add(attribute)
        elif is_db_handle(attribute):
            self.state.add(attribute)
        else:
            self.arguments.add(attribute)
        return False

    def visit_Name(self, node: cst.Name) -> bool:
        if node.value == self.analysis.self_name:
            raise self.refuse(node, f"passes {node.value} itself to the database code")
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        if isinstance(node.func, cst.Name) and node.func.value in ("super", "locals", "vars"):
            raise self.refuse(node, f"calls {node.func.value}() inside its database statements")
        return True


# --- helpers -----------------------------------------------------------------------------


def _imported_module(small: cst.BaseSmallStatement) -> str:
    if isinstance(small, cst.Import):
        return dotted(small.names[0].name)
    assert isinstance(small, cst.ImportFrom)
    return "." if small.relative else dotted(small.module)


def _bound_names(statement: cst.SimpleStatementLine) -> set[str]:
    found: set[str] = set()
    for small in statement.body:
        if isinstance(small, cst.Import | cst.ImportFrom) and not isinstance(
            small.names, cst.ImportStar
        ):
            for alias in small.names:
                found.add(alias.evaluated_alias or dotted(alias.name).split(".")[0])
    return found


def _walk(node: cst.CSTNode | None) -> Iterable[cst.CSTNode]:
    if node is None:
        return
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _names(node: cst.CSTNode) -> list[cst.Name]:
    return [n for n in _walk(node) if isinstance(n, cst.Name)]


class _Decisions(cst.CSTVisitor):
    found: cst.CSTNode | None = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(node, cst.If | cst.IfExp | cst.While | cst.Match | cst.CompIf):
            self.found = self.found or node
        return self.found is None


def _has_decision(node: cst.CSTNode) -> bool:
    visitor = _Decisions()
    node.visit(visitor)
    return visitor.found is not None


def _keyword(statement: cst.CSTNode) -> str:
    names = {
        cst.If: "if",
        cst.For: "for loop",
        cst.While: "while loop",
        cst.Try: "try",
        cst.With: "with block",
        cst.Match: "match",
    }
    return next((v for k, v in names.items() if isinstance(statement, k)), "statement")


def _header(statement: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a compound statement that run before (or decide on) its blocks."""
    if isinstance(statement, cst.If | cst.While):
        found: list[cst.CSTNode] = [statement.test]
        orelse = statement.orelse
        while isinstance(orelse, cst.If):
            found.append(orelse.test)
            orelse = orelse.orelse
        return found
    if isinstance(statement, cst.For):
        return [statement.target, statement.iter]
    if isinstance(statement, cst.With):
        return list(statement.items)
    if isinstance(statement, cst.Try):
        return [h.type for h in statement.handlers if h.type is not None]
    return [statement]


def _blocks(statement: cst.BaseCompoundStatement) -> list[cst.IndentedBlock]:
    found: list[cst.BaseSuite] = [statement.body]
    if isinstance(statement, cst.Try):
        found += [h.body for h in statement.handlers]
        found += [s.body for s in (statement.orelse, statement.finalbody) if s is not None]
    elif isinstance(statement, cst.If):
        orelse: cst.If | cst.Else | None = statement.orelse
        while orelse is not None:
            found.append(orelse.body)
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    elif isinstance(statement, cst.For | cst.While) and statement.orelse is not None:
        found.append(statement.orelse.body)
    blocks = [b for b in found if isinstance(b, cst.IndentedBlock)]
    if len(blocks) != len(found):
        raise CodemodRefusal(
            f"a one-line {_keyword(statement)} mixes database work and logic: split it by hand"
        )
    return blocks


def _targets(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        found: set[str] = set()
        for element in target.elements:
            found |= _targets(element.value)
        return found
    if isinstance(target, cst.StarredElement):
        return _targets(target.value)
    return set()


def _unconditional_writes(statement: cst.BaseStatement) -> set[str]:
    """Local names a statement always sets when it completes."""
    found: set[str] = set()
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    found |= _targets(target.target)
            elif (
                isinstance(small, cst.AnnAssign)
                and small.value is not None
                or isinstance(small, cst.AugAssign)
            ):
                found |= _targets(small.target)
            elif isinstance(small, cst.Import | cst.ImportFrom):
                found |= _bound_names(statement)
    elif isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
        for item in statement.items:
            if item.asname is not None:
                found |= _targets(item.asname.name)
        for inner in statement.body.body:
            found |= _unconditional_writes(inner)
    return found
