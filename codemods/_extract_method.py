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

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import libcst as cst

from codemods._db_usage import DbEvidence, is_db_module
from codemods._errors import CodemodRefusal
from codemods._hoist import hoist, hoist_notes, hoisted_ids
from codemods._method_parts import MethodPlan, Part
from codemods._module_graph import is_docstring
from codemods._part_checks import PartChecker
from codemods._self_use import param_names, self_name
from codemods._statements import (
    blocks_of,
    bound_names,
    has_decision,
    header_parts,
    imported_module,
    keyword,
    names_in,
    unconditional_writes,
    walk_nodes,
)

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


def plan_method(
    klass: str,
    node: cst.FunctionDef,
    evidence: DbEvidence,
    *,
    moved_whole: set[str],
    methods: set[str],
    constants: AbstractSet[str] = frozenset(),
) -> MethodPlan:
    """The split of `klass.<node>`; `moved_whole`: its class's methods moving as they are;
    `constants`: module constants the engine keeps (its parts are passed their values)."""
    name = f"{klass}.{node.name.value}"
    analysis = _Analysis(name, node, evidence, moved_whole, methods, set(constants))
    return analysis.plan()


class _Analysis:
    def __init__(
        self,
        name: str,
        node: cst.FunctionDef,
        evidence: DbEvidence,
        moved_whole: set[str],
        methods: set[str],
        constants: set[str],
    ) -> None:
        self.name = name
        self.constants = constants
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
            self._hoist(part)
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
                modules = [imported_module(small) for small in statement.body]
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
                    f"line {self.evidence.line(statement)}: {keyword(statement)} stays "
                    "(a decision), its database statements move"
                )
                inner_loop = statement if isinstance(statement, cst.For | cst.While) else loop
                for inner in blocks_of(statement):
                    self._block(inner.body, id(inner), inner_loop, depth + 1)
            else:
                if has_decision(statement) and not isinstance(statement, cst.SimpleStatementLine):
                    line = self.evidence.line(statement)
                    self.notes.append(f"line {line}: {keyword(statement)} stays (a decision)")
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
        if isinstance(statement, cst.SimpleStatementLine) or not has_decision(statement):
            return "db", reasons
        header = header_parts(statement)
        if any(self.evidence.of(h) or self._live_reads(h) for h in header):
            raise self.refuse(
                statement,
                f"the {keyword(statement)} itself does database work and decides inside "
                "(assign the query's rows to a name first, then decide on them)",
            )
        if isinstance(statement, cst.If | cst.For | cst.While | cst.Try | cst.With):
            return "mixed", reasons
        raise self.refuse(statement, f"a {keyword(statement)} mixes database work and logic")

    def _live_reads(self, node: cst.CSTNode) -> list[str]:
        if not self.live:
            return []
        return sorted({n.value for n in names_in(node) if n.value in self.live})

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
        inside = {id(n) for p in self.parts for s in p.statements for n in walk_nodes(s)}
        inside |= {id(n) for i in imports for n in walk_nodes(i)}
        outside = {n.value for n in names_in(self.node.body) if id(n) not in inside}
        for statement in imports:
            bound = bound_names(statement)
            users = [
                part
                for part in self.parts
                if bound & {n.value for s in part.statements for n in names_in(s)}
            ]
            for part in users:
                part.imports.append(statement)
            if users and not bound & outside:
                self.dropped.add(id(statement))

    # --- what each part reads and returns --------------------------------------------
    def _hoist(self, part: Part) -> None:
        scope = self.evidence.scopes[self.node.params]
        assert scope is not None
        inside = {id(n) for s in part.statements for n in walk_nodes(s)}
        assigned = {a.name for a in scope.assignments if id(getattr(a, "node", None)) in inside}

        def is_input(name: cst.Name) -> bool:
            """A local value the part reads, set before it."""
            return (
                self.evidence.scopes.get(name) is scope
                and name.value not in assigned
                and name.value not in self.live
                and name.value != self.self_name
            )

        taken = set(param_names(self.node))
        part.hoisted = hoist(part.statements, self.constants, self.evidence, is_input, taken)
        self.notes += hoist_notes(part.hoisted)

    def _data_flow(self, part: Part, top: int) -> None:
        inside = {id(n) for s in part.statements for n in walk_nodes(s)}
        inside -= hoisted_ids(part.hoisted)
        scope = self.evidence.scopes[self.node.params]
        assert scope is not None
        params = set(param_names(self.node))
        reads: dict[str, list[cst.CSTNode]] = {}
        assigned_inside: set[str] = set()
        assigned_outside: set[str] = set()
        later: set[str] = set()
        loop = self.loops.get(part.block)
        loop_nodes = {id(n) for n in walk_nodes(loop)} if loop is not None else set()
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
            statement_ids = {id(n) for n in walk_nodes(statement)}
            for name, nodes in reads.items():
                if name in defined or name in inputs:
                    continue
                if any(id(n) in statement_ids for n in nodes):
                    inputs.append(name)
            defined |= unconditional_writes(statement)
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
        checker = PartChecker(self)
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
