"""What a module's top-level statements define and use, and edits that move them around.

Shared by `extract_schema` and `split_hybrid`: both move top-level definitions into
another module, carry the imports they use, and leave an import behind. Name
resolution comes from LibCST's scope analysis, computed once per module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemods._errors import CodemodRefusal

Package = tuple[str, ...]
Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement
StatementT = TypeVar("StatementT", bound=cst.BaseStatement)
_EMPTY = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def dotted(node: cst.BaseExpression | None) -> str:
    """`a.b.c` for an Attribute/Name chain, `""` for None."""
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return code_of(node)


def package_of(module: str, is_package: bool = False) -> Package:
    """The package a module's relative imports resolve against."""
    parts = tuple(part for part in module.split(".") if part)
    return parts if is_package else parts[:-1]


def resolve_relative(package: Package, level: int, module: str) -> str:
    """The absolute module of `from <level dots><module> import ...` inside `package`."""
    if level == 0:
        return module
    if level - 1 > len(package):
        raise CodemodRefusal(f"relative import {'.' * level}{module} goes above the top package")
    base = package[: len(package) - (level - 1)]
    return ".".join((*base, *(part for part in module.split(".") if part)))


def relative_form(package: Package, absolute: str) -> tuple[int, str] | None:
    """`(level, module)` reaching `absolute` from `package`, None when they share no root."""
    parts = absolute.split(".")
    common = 0
    while common < min(len(parts), len(package)) and parts[common] == package[common]:
        common += 1
    if common == 0:
        return None
    return len(package) - common + 1, ".".join(parts[common:])


def has_future_annotations(module: cst.Module) -> bool:
    return any(
        isinstance(small, cst.ImportFrom)
        and dotted(small.module) == "__future__"
        and not isinstance(small.names, cst.ImportStar)
        and any(dotted(alias.name) == "annotations" for alias in small.names)
        for statement in module.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )


def is_type_checking_test(test: cst.BaseExpression) -> bool:
    return dotted(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def is_import_line(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body
    )


def type_checking_block(statement: cst.CSTNode) -> cst.If | None:
    if (
        isinstance(statement, cst.If)
        and statement.orelse is None
        and is_type_checking_test(statement.test)
        and isinstance(statement.body, cst.IndentedBlock)
        and all(is_import_line(line) for line in statement.body.body)
    ):
        return statement
    return None


@dataclass(frozen=True)
class ImportSpec:
    """One imported name: `from <module> import <name> as <asname>` or `import <module>`."""

    module: str  # absolute
    name: str | None  # None for `import module`
    asname: str | None
    relative: bool  # written relatively in its original module
    type_checking: bool = False

    @property
    def bound(self) -> str:
        if self.asname:
            return self.asname
        return self.name if self.name is not None else self.module

    def same_import(self, other: ImportSpec) -> bool:
        return (self.module, self.name, self.bound) == (other.module, other.name, other.bound)

    def from_clause(self, package: Package, prefer_relative: bool) -> str:
        """The module part as written in `package`: `..schemas.x` or `app.schemas.x`."""
        form = relative_form(package, self.module) if prefer_relative else None
        if form is None:
            return self.module
        level, module = form
        return "." * level + module

    def render(self, package: Package, prefer_relative: bool | None = None) -> str:
        relative = self.relative if prefer_relative is None else prefer_relative
        alias = f" as {self.asname}" if self.asname else ""
        if self.name is None:
            return f"import {self.module}{alias}"
        if self.module == "__future__":
            return f"from __future__ import {self.name}"
        return f"from {self.from_clause(package, relative)} import {self.name}{alias}"


@dataclass(frozen=True)
class Binding:
    """A module-level name and the top-level statement that binds it."""

    name: str
    index: int
    kind: str  # "import" | "definition" | "other"
    spec: ImportSpec | None = None


@dataclass
class ModuleGraph:
    """Top-level statements of one module, the global names each binds and uses."""

    module: cst.Module
    package: Package
    bindings: dict[str, list[Binding]]
    uses: list[set[str]]
    node_globals: dict[int, set[str]]  # id(access node) -> global names it refers to
    star_import: bool

    @classmethod
    def build(cls, module: cst.Module, package: Package) -> ModuleGraph:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        scopes = wrapper.resolve(ScopeProvider)
        owner = _OwnerIndex.of(module)
        global_scope = scopes[module]
        assert global_scope is not None
        node_globals: dict[int, set[str]] = defaultdict(set)
        uses: list[set[str]] = [set() for _ in module.body]
        bindings: dict[str, list[Binding]] = defaultdict(list)
        for assignment in global_scope.assignments:
            node = getattr(assignment, "node", None)
            if node is None or id(node) not in owner:
                continue  # builtins
            for access in assignment.references:
                node_globals[id(access.node)].add(assignment.name)
                if id(access.node) in owner:
                    uses[owner[id(access.node)]].add(assignment.name)
            index = owner[id(node)]
            binding = _binding(module, package, assignment.name, index, node)
            if binding not in bindings[assignment.name]:
                bindings[assignment.name].append(binding)
        star = any(
            isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar)
            for statement in module.body
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
        )
        return cls(module, package, dict(bindings), uses, dict(node_globals), star)

    def globals_in(self, node: cst.CSTNode) -> set[str]:
        """Global names referenced anywhere inside `node` (a node of this module)."""
        found: set[str] = set()
        for inner in _walk(node):
            found |= self.node_globals.get(id(inner), set())
        return found

    def users(self, name: str) -> set[int]:
        return {index for index, used in enumerate(self.uses) if name in used}

    def single_binding(self, name: str) -> Binding | None:
        found = self.bindings.get(name, [])
        if len({binding.index for binding in found}) > 1:
            lines = ", ".join(str(self.line_of(b.index)) for b in found)
            raise CodemodRefusal(f"{name} is bound more than once in the module (lines {lines})")
        return found[0] if found else None

    def defined_names(self, index: int) -> list[str]:
        return [
            name for name, found in self.bindings.items() if any(b.index == index for b in found)
        ]

    def line_of(self, index: int) -> int:
        """1-based line of top-level statement `index` (its first code line)."""
        line = 1 + len(self.module.header)
        for statement in self.module.body[:index]:
            line += code_of(statement).count("\n")
        statement = self.module.body[index]
        return line + len(statement.leading_lines) + len(getattr(statement, "decorators", ()))

    def imported_from(self, name: str, module: str) -> bool:
        """Whether `name` is bound by an import of `module.name`."""
        return any(
            b.spec is not None and b.spec.module == module and b.spec.name == name
            for b in self.bindings.get(name, [])
        )


class _OwnerIndex(cst.CSTVisitor):
    """Maps every node to the index of the top-level statement holding it."""

    def __init__(self) -> None:
        self.owner: dict[int, int] = {}
        self.current = -1

    @classmethod
    def of(cls, module: cst.Module) -> dict[int, int]:
        visitor = cls()
        for index, statement in enumerate(module.body):
            visitor.current = index
            statement.visit(visitor)
        return visitor.owner

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.owner[id(node)] = self.current
        return True


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _binding(
    module: cst.Module, package: Package, name: str, index: int, node: cst.CSTNode
) -> Binding:
    statement = module.body[index]
    if isinstance(node, cst.Import | cst.ImportFrom):
        in_block = type_checking_block(statement) is not None
        at_top = is_import_line(statement)
        spec = import_spec(node, name, package, type_checking=in_block)
        if spec is not None and (at_top or in_block):
            return Binding(name, index, "import", spec)
        return Binding(name, index, "other", spec)
    if isinstance(statement, cst.FunctionDef | cst.ClassDef) and node is statement:
        return Binding(name, index, "definition")
    if (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and _assigned_names(statement.body[0]) is not None
    ):
        return Binding(name, index, "definition")
    return Binding(name, index, "other")


def _assigned_names(small: cst.BaseSmallStatement) -> list[str] | None:
    if isinstance(small, cst.Assign) and all(
        isinstance(target.target, cst.Name) for target in small.targets
    ):
        return [target.target.value for target in small.targets]  # type: ignore[attr-defined]
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value:
        return [small.target.value]
    return None


def import_spec(
    node: cst.Import | cst.ImportFrom, bound: str, package: Package, type_checking: bool = False
) -> ImportSpec | None:
    """The spec of the alias of `node` that binds `bound`."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted(alias.name)
            asname = alias.evaluated_alias
            if asname == bound or (
                asname is None and (full == bound or full.startswith(bound + "."))
            ):
                return ImportSpec(full, None, asname, False, type_checking)
        return None
    if isinstance(node.names, cst.ImportStar):
        return None
    level = len(node.relative)
    try:
        absolute = resolve_relative(package, level, dotted(node.module))
    except CodemodRefusal:
        return None  # broken relative import: the name cannot travel
    for alias in node.names:
        name = dotted(alias.name)
        asname = alias.evaluated_alias
        if (asname or name) == bound:
            return ImportSpec(absolute, name, asname, level > 0, type_checking)
    return None


# --- edits ------------------------------------------------------------------------------


def statement_leading_blank(statement: StatementT, blank: int) -> StatementT:
    """`statement` with exactly `blank` blank lines before its own comment lines."""
    comments: list[cst.EmptyLine] = list(getattr(statement, "leading_lines", ()))
    while comments and comments[0].comment is None:
        comments.pop(0)
    blanks = [cst.EmptyLine(indent=False) for _ in range(blank)]  # distinct nodes for metadata
    return statement.with_changes(leading_lines=blanks + comments)


def _is_definition(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.FunctionDef | cst.ClassDef)


def append_statements(module: cst.Module, statements: Sequence[Statement]) -> cst.Module:
    """`module` with `statements` appended, spaced like PEP 8 (two blank lines around defs)."""
    body = list(module.body)
    for statement in statements:
        previous = body[-1] if body else None
        if previous is None:
            blank = 0 if not module.header or module.header[-1].comment is None else 1
        elif (
            _is_definition(statement)
            or _is_definition(previous)
            or is_import_line(previous)
            or type_checking_block(previous)
        ):
            blank = 2
        else:
            lines = getattr(statement, "leading_lines", ())
            blank = min(1, sum(1 for line in lines if line.comment is None))
        body.append(statement_leading_blank(statement, blank))
    return module.with_changes(body=body)


def remove_statements(module: cst.Module, indexes: Iterable[int]) -> cst.Module:
    drop = set(indexes)
    body = [statement for index, statement in enumerate(module.body) if index not in drop]
    return _close_top_gap(module, body)


def _close_top_gap(module: cst.Module, body: list[Statement]) -> cst.Module:
    """The module with `body`; a statement that became the first loses its blank lines."""
    if body and module.body and body[0] is not module.body[0]:
        header_ends_in_comment = bool(module.header) and module.header[-1].comment is not None
        body[0] = statement_leading_blank(body[0], 1 if header_ends_in_comment else 0)
    return module.with_changes(body=body)


def remove_import_bindings(module: cst.Module, graph: ModuleGraph, names: set[str]) -> cst.Module:
    """`module` without the import aliases binding `names` (emptied statements go too).

    `graph` describes `module` itself.
    """
    doomed: set[int] = set()
    for name in names:
        for binding in graph.bindings.get(name, []):
            if binding.kind == "import":
                doomed.add(binding.index)
    if not doomed:
        return module
    body: list[Statement] = []
    gap = 0  # blank lines before a removed statement: the next one keeps the separation
    for index, statement in enumerate(module.body):
        kept: Statement | None = statement
        if index in doomed:
            block = type_checking_block(statement)
            if block is not None:
                assert isinstance(block.body, cst.IndentedBlock)
                lines = [
                    line
                    for inner in block.body.body
                    if (line := _without_aliases(inner, names)) is not None  # type: ignore[arg-type]
                ]
                kept = (
                    block.with_changes(body=block.body.with_changes(body=lines)) if lines else None
                )
            else:
                assert isinstance(statement, cst.SimpleStatementLine)
                kept = _without_aliases(statement, names)
        if kept is None:
            gap = max(gap, _leading_blanks(statement))
            continue
        if gap > _leading_blanks(kept) and body:
            kept = statement_leading_blank(kept, gap)
        gap = 0
        body.append(kept)
    return _close_top_gap(module, body)


def _leading_blanks(statement: cst.CSTNode) -> int:
    lines = getattr(statement, "leading_lines", ())
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _without_aliases(
    line: cst.SimpleStatementLine, names: set[str]
) -> cst.SimpleStatementLine | None:
    smalls: list[cst.BaseSmallStatement] = []
    for small in line.body:
        if isinstance(small, cst.Import | cst.ImportFrom) and not isinstance(
            small.names, cst.ImportStar
        ):
            aliases = [alias for alias in small.names if not _alias_bound(small, alias) & names]
            if not aliases:
                continue
            if len(aliases) != len(small.names):
                last = aliases[-1]
                if getattr(small, "rpar", None) is None:
                    aliases[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                else:
                    # The new last name takes the old last one's comma: the line break
                    # before `)` stays, and `)` is not left indented.
                    aliases[-1] = last.with_changes(comma=small.names[-1].comma)
                small = small.with_changes(names=aliases)
        smalls.append(small)
    if not smalls:
        return None
    smalls[-1] = smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return line.with_changes(body=smalls)


def _alias_bound(node: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> set[str]:
    """The names an alias binds (`import a.b` binds both `a.b` and `a` in scope analysis)."""
    if alias.evaluated_alias:
        return {alias.evaluated_alias}
    name = dotted(alias.name)
    return {name, name.split(".")[0]} if isinstance(node, cst.Import) else {name}


def add_imports(
    module: cst.Module,
    specs: Sequence[ImportSpec],
    package: Package,
    prefer_relative: bool | None = None,
) -> cst.Module:
    """`module` importing every spec it does not import yet, placed with its imports.

    A name `module` already binds differently is refused. `from x import a` joins an
    existing one-line `from x import b`; type-checking specs go into an
    `if TYPE_CHECKING:` block.
    """
    graph = ModuleGraph.build(module, package)
    runtime: list[ImportSpec] = []
    checking: list[ImportSpec] = []
    for spec in specs:
        existing = graph.bindings.get(spec.bound, [])
        if any(b.spec is not None and b.spec.same_import(spec) for b in existing):
            if spec.type_checking or any(
                b.spec is not None and not b.spec.type_checking for b in existing
            ):
                continue
        elif existing:
            raise CodemodRefusal(
                f"name {spec.bound} is already defined differently in the receiving module "
                f"(line {graph.line_of(existing[0].index)})"
            )
        bucket = checking if spec.type_checking else runtime
        if not any(known.same_import(spec) for known in bucket):
            bucket.append(spec)
    if checking and "TYPE_CHECKING" not in graph.bindings:
        runtime.append(ImportSpec("typing", "TYPE_CHECKING", None, False))
    body = list(module.body)
    for spec in runtime:
        body = _insert_import(module, body, spec, package, prefer_relative)
    if checking:
        body = _add_type_checking(module, body, checking, package, prefer_relative)
    return module.with_changes(body=body)


def _is_future_line(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, cst.ImportFrom) and dotted(small.module) == "__future__"
        for small in statement.body
    )


def _import_area_end(
    body: Sequence[Statement], future_only: bool, runtime_only: bool = False
) -> int:
    """Index after the docstring and the leading imports (or only the `__future__` ones;
    or, `runtime_only`, the runtime import block before an `if TYPE_CHECKING:` block)."""
    index = 1 if body and is_docstring(body[0]) else 0
    while index < len(body):
        statement = body[index]
        if future_only:
            if not _is_future_line(statement):
                break
        elif not (
            is_import_line(statement) or (not runtime_only and type_checking_block(statement))
        ):
            break
        index += 1
    return index


def _insert_import(
    module: cst.Module,
    body: list[Statement],
    spec: ImportSpec,
    package: Package,
    prefer_relative: bool | None,
) -> list[Statement]:
    text = spec.render(package, prefer_relative)
    new = cst.parse_statement(text + module.default_newline)
    assert isinstance(new, cst.SimpleStatementLine)
    new_from = new.body[0]
    if isinstance(new_from, cst.ImportFrom):
        for index, statement in enumerate(body):
            if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
                continue
            old = statement.body[0]
            if (
                isinstance(old, cst.ImportFrom)
                and not isinstance(old.names, cst.ImportStar)
                and old.lpar is None
                and len(old.relative) == len(new_from.relative)
                and dotted(old.module) == dotted(new_from.module)
            ):
                assert not isinstance(new_from.names, cst.ImportStar)
                names = [
                    *old.names[:-1],
                    old.names[-1].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                    ),
                    *new_from.names,
                ]
                body[index] = statement.with_changes(body=[old.with_changes(names=names)])
                return body
    future = spec.module == "__future__"
    at = _import_area_end(body, future_only=future, runtime_only=True)
    previous = body[at - 1] if at else None
    if previous is None:
        blank = 1 if module.header and module.header[-1].comment is not None else 0
    else:
        blank = 0 if is_import_line(previous) and _is_future_line(previous) == future else 1
    body.insert(at, statement_leading_blank(new, blank))
    following = body[at + 1] if at + 1 < len(body) else None
    blank_after = following is not None and any(
        line.comment is None for line in following.leading_lines
    )
    if future and following is not None and is_import_line(following) and not blank_after:
        body[at + 1] = statement_leading_blank(following, 1)
    _separate_from_imports(body, at + 1)
    return body


def _separate_from_imports(body: list[Statement], index: int) -> None:
    """Give the first statement after the imports a blank line (two before a def)."""
    if index >= len(body):
        return
    following = body[index]
    if is_import_line(following) or type_checking_block(following):
        return
    if not following.leading_lines or following.leading_lines[0].comment is not None:
        body[index] = statement_leading_blank(following, 2 if _is_definition(following) else 1)


def _add_type_checking(
    module: cst.Module,
    body: list[Statement],
    specs: Sequence[ImportSpec],
    package: Package,
    prefer_relative: bool | None,
) -> list[Statement]:
    newline = module.default_newline
    lines = [cst.parse_statement(spec.render(package, prefer_relative) + newline) for spec in specs]
    for index, statement in enumerate(body):
        block = type_checking_block(statement)
        if block is not None:
            assert isinstance(block.body, cst.IndentedBlock)
            inner = block.body.with_changes(body=[*block.body.body, *lines])
            body[index] = block.with_changes(body=inner)
            return body
    text = (
        "if TYPE_CHECKING:"
        + newline
        + "".join("    " + code_of(line).strip() + newline for line in lines)
    )
    new_block = cst.parse_statement(text)
    at = _import_area_end(body, future_only=False)
    body.insert(at, statement_leading_blank(new_block, 1 if at else 0))
    _separate_from_imports(body, at + 1)
    return body


class _Rebase(cst.CSTTransformer):
    def __init__(self, old: Package, new: Package) -> None:
        self.old, self.new = old, new

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        level = len(updated_node.relative)
        if level == 0:
            return updated_node
        absolute = resolve_relative(self.old, level, dotted(updated_node.module))
        form = relative_form(self.new, absolute)
        if form is None:
            return updated_node.with_changes(relative=[], module=cst.parse_expression(absolute))
        new_level, rest = form
        module = cst.parse_expression(rest) if rest else None
        return updated_node.with_changes(
            relative=[cst.Dot() for _ in range(new_level)], module=module
        )


def rebase_relative_imports(node: cst.CSTNodeT, old: Package, new: Package) -> cst.CSTNodeT:
    """`node` with its relative imports rewritten to work from package `new`."""
    if old == new:
        return node
    return node.visit(_Rebase(old, new))  # type: ignore[return-value]


def uses_relative_imports(module: cst.Module) -> bool:
    return any(
        isinstance(small, cst.ImportFrom) and small.relative
        for statement in module.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )


def add_to_all(module: cst.Module, names: Sequence[str]) -> cst.Module:
    """`module` with `names` added to its `__all__` list/tuple literal, if it has one."""
    body = list(module.body)
    for index, statement in enumerate(body):
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            continue
        small = statement.body[0]
        value = _all_literal(small)
        if not isinstance(value, cst.List | cst.Tuple):
            continue
        present = {
            element.value.evaluated_value
            for element in value.elements
            if isinstance(element.value, cst.SimpleString)
        }
        missing = [name for name in names if name not in present]
        if not missing:
            return module
        first = next(
            (e.value for e in value.elements if isinstance(e.value, cst.SimpleString)), None
        )
        quote = first.quote if first is not None else '"'
        elements = list(value.elements)
        for name in missing:
            string = cst.SimpleString(f"{quote}{name}{quote}")
            if not elements:
                elements.append(cst.Element(string))
                continue
            last = elements[-1]
            # The new last element takes over the old one's (maybe trailing) comma; the old
            # one gets the separator its predecessor uses (keeps one-per-line layouts).
            separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if len(elements) >= 2 and isinstance(elements[-2].comma, cst.Comma):
                separator = elements[-2].comma
            elif isinstance(value, cst.List) and "\n" in code_of(value.lbracket):
                # One element per line: the new one goes on its own line too.
                separator = cst.Comma(whitespace_after=value.lbracket.whitespace_after)
            elements[-1] = last.with_changes(comma=separator)
            elements.append(cst.Element(string, comma=last.comma))
        new_value = value.with_changes(elements=elements)
        body[index] = statement.with_changes(body=[small.with_changes(value=new_value)])
        return module.with_changes(body=body)
    return module


def _all_literal(small: cst.BaseSmallStatement) -> cst.List | cst.Tuple | None:
    """The list/tuple literal of an `__all__ = [...]` statement, else None."""
    if isinstance(small, cst.Assign):
        targets = [dotted(target.target) for target in small.targets]
    elif isinstance(small, cst.AnnAssign):
        targets = [dotted(small.target)]
    else:
        return None
    if targets == ["__all__"] and isinstance(small.value, cst.List | cst.Tuple):
        return small.value
    return None


def all_names(module: cst.Module) -> set[str]:
    """The strings of the module's `__all__` literal (empty when it has none)."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            literal = _all_literal(statement.body[0])
            if literal is not None:
                return {
                    str(e.value.evaluated_value)
                    for e in literal.elements
                    if isinstance(e.value, cst.SimpleString)
                }
    return set()


# --- what travels with moved code -------------------------------------------------------


@dataclass
class MovePlan:
    """Top-level statements that move, and the imports the moved code needs."""

    moving: set[int]  # every statement that moves (seeds included)
    carried: set[int]  # definitions that travel along with the seeds
    shared: set[int]  # carried, but still used by code that stays (import them back)
    duplicated: set[int]  # copied, staying too (`logger = logging.getLogger(__name__)`)
    imports: dict[str, ImportSpec]  # bound name -> import the moved code uses
    blockers: dict[str, str]  # needed name -> why it cannot travel


def plan_move(
    graph: ModuleGraph,
    seeds: set[int],
    *,
    extra_uses: set[str] | None = None,
    staying_uses: dict[int, set[str]] | None = None,
    share_constants: bool = False,
    skip_modules: Sequence[str] = (),
    forbidden_modules: Sequence[str] = (),
) -> MovePlan:
    """What must move with `seeds` (and with code using `extra_uses`).

    Private definitions only the moved code uses travel along. With `share_constants`,
    module-level assignments travel too (the staying code imports them back), and
    those that depend on `__name__` are duplicated instead. `staying_uses` gives, for
    a statement that partly moves (a class being split), the names its staying part
    uses. Everything else the moved code needs is a blocker.
    """
    staying_uses = staying_uses or {}
    plan = MovePlan(set(seeds), set(), set(), set(), {}, {})
    queue = [name for index in sorted(seeds) for name in sorted(_own_uses(graph, index))]
    queue += sorted(extra_uses or ())
    while queue:
        name = queue.pop(0)
        binding = graph.single_binding(name)
        if binding is None:
            if graph.star_import:
                plan.blockers[name] = f"{name} (maybe from a star import)"
            continue
        if binding.index in plan.moving | plan.duplicated:
            continue
        if binding.kind == "import" and binding.spec is not None:
            if binding.spec.module in forbidden_modules:
                plan.blockers[name] = f"{name} (imported from {binding.spec.module})"
            elif binding.spec.module not in skip_modules:
                plan.imports[name] = binding.spec
            continue
        statement = graph.module.body[binding.index]
        assignment = not isinstance(statement, cst.FunctionDef | cst.ClassDef)
        if binding.kind != "definition":
            plan.blockers[name] = f"{name} (bound by a statement that cannot be moved)"
            continue
        if share_constants and assignment and "__name__" in _names_in(statement):
            plan.duplicated.add(binding.index)
        elif _is_private(name) or (share_constants and assignment):
            plan.moving.add(binding.index)
            plan.carried.add(binding.index)
        else:
            plan.blockers[name] = f"{name} (a public {_kind(statement)})"
            continue
        queue += sorted(_own_uses(graph, binding.index))
    _prune(graph, plan, staying_uses, share_constants)
    return plan


def _prune(
    graph: ModuleGraph, plan: MovePlan, staying_uses: dict[int, set[str]], share: bool
) -> None:
    """Carried definitions still used by staying code: shared constants, or blockers."""
    changed = True
    while changed:
        changed = False
        for index in sorted(plan.carried - plan.shared):
            names = set(graph.defined_names(index))
            users = [
                user
                for user in range(len(graph.module.body))
                if user not in plan.moving
                and names & staying_uses.get(user, graph.uses[user] - _defined(graph, user))
            ]
            if not users:
                continue
            statement = graph.module.body[index]
            if share and not isinstance(statement, cst.FunctionDef | cst.ClassDef):
                plan.shared.add(index)
                continue
            plan.moving.discard(index)
            plan.carried.discard(index)
            changed = True
            for name in names:
                line = graph.line_of(users[0])
                plan.blockers[name] = f"{name} (also used by code that stays, line {line})"


def in_source_order(graph: ModuleGraph, imports: dict[str, ImportSpec]) -> list[ImportSpec]:
    """The specs ordered as their imports appear in the module (`__future__` first)."""

    def position(name: str) -> tuple[bool, int, int]:
        binding = graph.bindings[name][0]
        text = code_of(graph.module.body[binding.index])
        spec = imports[name]
        return spec.module != "__future__", binding.index, text.find(f" {spec.name or spec.module}")

    return [imports[name] for name in sorted(imports, key=position)]


def _defined(graph: ModuleGraph, index: int) -> set[str]:
    return set(graph.defined_names(index))


def _own_uses(graph: ModuleGraph, index: int) -> set[str]:
    return graph.uses[index] - _defined(graph, index)


def _names_in(node: cst.CSTNode) -> set[str]:
    return {inner.value for inner in _walk(node) if isinstance(inner, cst.Name)}


def _kind(statement: cst.CSTNode) -> str:
    if isinstance(statement, cst.FunctionDef):
        return "function"
    if isinstance(statement, cst.ClassDef):
        return "class"
    return "constant"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")
