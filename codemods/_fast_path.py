"""The common case of `rewrite_module_references` without LibCST: local text splices.

LibCST costs about 4 ms a file (parse, transform, codegen); the stdlib `ast` parses the same
file in a tenth of that and gives every node's exact position. This module re-runs the
decisions of `codemods/_rewriter.py` (same import scan, same scopes, same chain and string
rules, through the same `Renames`) on the `ast` tree, and when every rewrite it finds is a
replacement of a span by text it can prove is what LibCST prints (an import's module or name,
an attribute chain, a string's contents), splices that text into the source, every other byte
kept. Anything else returns None and the caller runs the LibCST path:

* the file is one of the moved modules (`moved_from`: its relative imports are re-based);
* an import that splits (`from a import b, c` where only `b` moves), a star import that
  loses names, a from-import that becomes `import x as y`;
* a chain that needs an added import or an alias, a name bound to several modules (warning);
* spellings whose LibCST output is not a plain splice: whitespace or a line continuation
  inside a rewritten dotted name, implicitly concatenated strings, f-strings that mention
  the module, identifiers that Python's NFKC normalisation would change;
* layouts LibCST does not print back unchanged: lone CR line breaks, form feeds, lines
  holding only a backslash, indented comments or blank lines with spaces after the last
  statement (its output would not be the source plus our splices);
* a source `ast` does not parse (LibCST then reports the error with its line).

`tests/codemods/test_fast_path.py` checks, byte for byte, that whatever this returns is
what the LibCST path returns.
"""

from __future__ import annotations

import ast
import bisect
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from codemods._dotted import (
    FilePlace,
    Renames,
    bare_submodule_renames,
    file_place,
    is_within,
    last,
    parent,
    resolve_relative,
    rewrite_path_string,
)

__all__ = ["fast_rewrite"]

#: A scope as the rewriter sees it: id() of the Module/FunctionDef/ClassDef, is a class body.
_Scope = tuple[int, bool]
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Statements holding statement lists.
_COMPOUND = (
    *_SCOPES,
    *(ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith),
    *(ast.Try, ast.TryStar, ast.Match),
)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_BACKSLASH_LINE = re.compile(r"^[ \t]*\\\r?$", re.MULTILINE)
# `from <dots><module> import`, spelled plainly (no continuation, no space inside the name).
_FROM_HEAD = re.compile(
    rb"from[ \t\f]+(\.*)((?:[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?[ \t\f]+import\b"
)
# One string literal (no implicit concatenation): prefix, quote, contents, same quote.
_ONE_LITERAL = re.compile(rb"([A-Za-z]*)(\"\"\"|'''|\"|')(.*)\2", re.DOTALL)


class _NotProven(Exception):
    """The fast path cannot show its output equals the LibCST path's: use that one."""


@dataclass(frozen=True)
class _Binding:
    path: str  # the dotted path the bound name refers to
    plain: bool  # bound by `import a.b` without alias (the name is the root `a`)
    scope: _Scope
    block: tuple[int, str]  # the statement list holding the import: (id(owner), field)


@dataclass(frozen=True)
class _Import:
    node: ast.Import | ast.ImportFrom
    scope: _Scope
    block: tuple[int, str]


@dataclass
class _Scan:
    """What `codemods/_import_scan.ImportScan` finds, from the `ast` tree."""

    imports: list[_Import] = field(default_factory=list)
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    plain_imports: set[tuple[str, tuple[int, str]]] = field(default_factory=set)
    #: Names import statements bind (what `bound_names` counts of imports).
    import_bound: set[str] = field(default_factory=set)
    #: Every module an import names (absolute), as `ImportScan.imported`.
    imported: set[str] = field(default_factory=set)

    def bind(self, name: str, binding: _Binding) -> None:
        known = self.bindings.setdefault(name, [])
        # Like ImportScan: the first import of a (path, plain) pair in each scope wins.
        if all(
            (b.path, b.plain, b.scope) != (binding.path, binding.plain, binding.scope)
            for b in known
        ):
            known.append(binding)


def fast_rewrite(
    source: str,
    *,
    module: str,
    is_package: bool,
    renames: Mapping[str, str],
    names: Sequence[str] | None = None,
    moved_from: str | None = None,
    relative: str = "keep",
    protected: frozenset[str] = frozenset(),
    shadowed: frozenset[str] = frozenset(),
) -> str | None:
    """What `rewrite_module_references` returns (`source` itself when nothing changes), or
    None when only the LibCST path can tell."""
    if moved_from is not None:
        return None
    if not source.isascii() and not unicodedata.is_normalized("NFKC", source):
        return None  # `ast` names would differ from the text LibCST reads
    if "\r" in source and source.count("\r") != source.count("\r\n"):
        return None  # lone CR line breaks: LibCST's output differs (it drops the last one)
    if "\x0c" in source:
        return None  # LibCST drops form feeds from indentation
    if _BACKSLASH_LINE.search(source):
        return None  # LibCST drops such lines, or fails to parse them before a `def`
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc.: not ours to report
            tree = ast.parse(source)
        rename_map = Renames(renames, names, shadowed)
        data = source.encode("utf-8")
    except (SyntaxError, ValueError, RecursionError, UnicodeError, MemoryError):
        return None
    if not rename_map:
        return source
    place = file_place(module, is_package, rename_map, None, relative, protected)
    try:
        edits = _Planner(tree, data, rename_map, place, renames).edits()
    except (_NotProven, RecursionError):
        return None
    if not edits:
        return source
    if not _libcst_prints_back(source):
        return None
    result = _splice(data, edits).decode("utf-8")
    return source if result == source else result


def _libcst_prints_back(source: str) -> bool:
    """False when an indented comment or a whitespace-only line follows the last statement:
    LibCST 1.x drops some of those lines when it prints a changed module, so its output is
    not the source with our splices."""
    end = len(source)
    while True:  # the trailing lines, last first, up to the last statement
        start = source.rfind("\n", 0, end) + 1
        line = source[start:end].rstrip("\r")
        text = line.lstrip(" \t")
        if text and not text.startswith("#"):
            return True
        if text != line:
            return False
        if start == 0:
            return True
        end = start - 1


def _splice(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out: list[bytes] = []
    position = 0
    for start, end, text in sorted(edits):
        if start < position:
            raise _NotProven("overlapping edits")
        out += [data[position:start], text]
        position = end
    out.append(data[position:])
    return b"".join(out)


class _Planner:
    def __init__(
        self,
        tree: ast.Module,
        data: bytes,
        renames: Renames,
        place: FilePlace,
        modules: Mapping[str, str],
    ) -> None:
        self._tree = tree
        self._data = data
        self._renames = renames
        self._package = place.old_package
        self._place = place
        self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(data)]
        self._edits: list[tuple[int, int, bytes]] = []
        self._needs: list[tuple[str, tuple[int, str]]] = []  # (module, block of the import)
        self._reference_roots: set[str] = set()
        # Strings that name a moved module, possibly as `package:module.attr`.
        olds = [old for old, new in modules.items() if old != new]
        self._string_needles = {
            variant
            for old in olds
            for variant in [old]
            + [old[:i] + ":" + old[i + 1 :] for i, c in enumerate(old) if c == "."]
        }
        # Roots a rewritten chain may start with: a name bound to one of them means an alias.
        self._new_roots = {new.partition(".")[0] for new in modules.values()}
        self._bound_roots: set[str] = set()
        self._scan = _Scan()
        module_scope: _Scope = (id(tree), False)
        self._scan_block(tree.body, (id(tree), "body"), module_scope)
        self._module_block = (id(tree), "body")

    # -- positions ---------------------------------------------------------------------

    def _offset(self, line: int, column: int) -> int:
        return self._line_starts[line - 1] + column

    def _span(self, node: ast.expr | ast.stmt | ast.alias) -> tuple[int, int]:
        end_line, end_column = node.end_lineno, node.end_col_offset
        assert end_line is not None and end_column is not None
        return self._offset(node.lineno, node.col_offset), self._offset(end_line, end_column)

    def _replace(self, start: int, end: int, text: str) -> None:
        self._edits.append((start, end, text.encode("utf-8")))

    # -- the import scan ---------------------------------------------------------------

    def _scan_block(self, body: list[ast.stmt], block: tuple[int, str], scope: _Scope) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                self._scan_import(_Import(stmt, scope, block))
                continue
            if not isinstance(stmt, _COMPOUND):
                continue
            inner = scope
            if isinstance(stmt, _SCOPES):
                inner = (id(stmt), isinstance(stmt, ast.ClassDef))
            for owner, name, suite in _suites(stmt):
                self._scan_block(suite, (id(owner), name), inner)

    def _scan_import(self, site: _Import) -> None:
        scan = self._scan
        scan.imports.append(site)
        node = site.node
        if isinstance(node, ast.Import):
            for alias in node.names:
                scan.imported.add(alias.name)
                if alias.asname is not None:
                    scan.import_bound.add(alias.asname)
                    scan.bind(alias.asname, _Binding(alias.name, False, site.scope, site.block))
                else:
                    root = alias.name.partition(".")[0]
                    scan.bind(root, _Binding(root, True, site.scope, site.block))
                    scan.plain_imports.add((alias.name, site.block))
            return
        for alias in node.names:
            if alias.name != "*":
                scan.import_bound.add(alias.asname or alias.name)
        base = self._base(node)
        if base is not None:
            scan.imported.add(base)
        if base is None or node.names[0].name == "*":
            return
        for alias in node.names:
            binding = _Binding(f"{base}.{alias.name}", False, site.scope, site.block)
            scan.bind(alias.asname or alias.name, binding)

    def _base(self, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        if self._package is None:
            return None
        return resolve_relative(self._package, node.level, node.module)

    # -- the plan ------------------------------------------------------------------------

    def edits(self) -> list[tuple[int, int, bytes]]:
        self._check_bare_submodule_names()
        for site in self._scan.imports:
            if isinstance(site.node, ast.Import):
                self._rewrite_import(site.node)
            else:
                self._rewrite_import_from(site.node)
        self._rewrite_expressions()
        if self._reference_roots & (self._bound_roots | self._scan.import_bound):
            raise _NotProven("a rewritten chain's root name is taken: LibCST adds an alias")
        self._check_needs_are_imported()
        return self._edits

    def _check_bare_submodule_names(self) -> None:
        """A package's `__init__` naming a renamed submodule bare (`del sub`): the rewriter
        renames such names, which this path does not do."""
        if not self._place.package_init:
            return
        # Only names imports bind count as taken: a superset of what the rewriter renames.
        bare = bare_submodule_renames(
            self._scan.imported, self._place, self._renames, self._scan.import_bound
        )
        if bare and any(isinstance(n, ast.Name) and n.id in bare for n in ast.walk(self._tree)):
            raise _NotProven("a bare name of a renamed submodule in its package's __init__")

    def _check_needs_are_imported(self) -> None:
        """Like `Rewriter.missing_imports`: a chain rewritten to a module nobody imports
        where it is used gets an import added, which is not a splice."""
        plain = {(self._renames.apply(p) or p, block) for p, block in self._scan.plain_imports}
        for module, block in self._needs:
            blocks = {block, self._module_block}
            if not any(is_within(p, module) and b in blocks for p, b in plain):
                raise _NotProven(f"LibCST adds `import {module}`")

    # -- imports -------------------------------------------------------------------------

    def _rewrite_import(self, node: ast.Import) -> None:
        for alias in node.names:
            new = self._renames.apply(alias.name)
            if new is not None:
                start = self._name_start(alias, alias.name)
                self._replace(start, start + len(alias.name), new)

    def _name_start(self, alias: ast.alias, name: str) -> int:
        """Where `name` is written at the start of `alias`, spelled exactly so."""
        start, _ = self._span(alias)
        if self._data[start : start + len(name)] != name.encode():
            raise _NotProven("a dotted name written with spaces or continuations")
        return start

    def _rewrite_import_from(self, node: ast.ImportFrom) -> None:
        base = self._base(node)
        if base is None:
            return
        renames = self._renames
        if node.names[0].name == "*":
            self._rewrite_star(node, base)
            return
        groups: dict[str, list[tuple[ast.alias, str]]] = {}
        for alias in node.names:
            path = renames.apply_attribute(base, alias.name) or f"{base}.{alias.name}"
            groups.setdefault(parent(path), []).append((alias, last(path)))
        if len(groups) > 1:
            raise _NotProven("the import splits")
        ((target, aliases),) = groups.items()
        if target == base and all(alias.name == new for alias, new in aliases):
            return
        if not target:
            raise _NotProven("a from-import becomes `import x as y`")
        self._rewrite_from_module(node, base, target)
        for alias, new in aliases:
            if new != alias.name:
                self._rename_alias(alias, new)

    def _rewrite_star(self, node: ast.ImportFrom, base: str) -> None:
        renames = self._renames
        for key, new in renames.pairs():
            if renames.is_symbols and parent(key) == base:
                known = self._scan.bindings.get(last(key), [])
                if not any((renames.apply(b.path) or b.path) == new for b in known):
                    raise _NotProven("a star import loses a moved name")
        self._rewrite_from_module(node, base, renames.apply(base) or base)

    def _rewrite_from_module(self, node: ast.ImportFrom, base: str, target: str) -> None:
        """`_import_from` of the rewriter: the `<dots><module>` part, when it changes."""
        if node.level == 0:
            if target != node.module:
                self._replace_from_head(node, target)
            return
        if base == target:
            return
        form = self._place.relative_form(target, self._package)
        if form is None:
            self._replace_from_head(node, target)
            return
        level, rest = form
        if (level, rest) != (node.level, node.module):
            self._replace_from_head(node, "." * level + (rest or ""))

    def _replace_from_head(self, node: ast.ImportFrom, text: str) -> None:
        start, _ = self._span(node)
        found = _FROM_HEAD.match(self._data, start)
        if found is None:
            raise _NotProven("an unusual spelling of `from ... import`")
        written = found.group(2).decode() if found.group(2) else None
        if len(found.group(1)) != node.level or written != node.module:
            raise _NotProven("`from ... import` not spelled as parsed")
        end = found.end(2) if found.group(2) else found.end(1)
        if len(text) != end - found.start(1) and self._names_follow_paren(node, found.end()):
            # Continuation lines aligned with the names move with them: the rewriter's job.
            raise _NotProven("a multi-line import whose names start after its `(`")
        self._replace(found.start(1), end, text)

    def _names_follow_paren(self, node: ast.ImportFrom, after_import: int) -> bool:
        """A multi-line import whose first name follows the `(` on its first line (a layout
        that may align the continuation lines with it)."""
        if node.lineno == node.end_lineno:
            return False
        line_end = self._line_starts[node.lineno] if node.lineno < len(self._line_starts) else None
        rest = self._data[after_import:line_end].strip()
        return rest.startswith(b"(") and rest[1:].strip()[:1] not in (b"", b"#")

    def _rename_alias(self, alias: ast.alias, new: str) -> None:
        """`renamed_alias`: import `new`, still binding the name the alias bound."""
        start = self._name_start(alias, alias.name)
        if alias.asname is None:
            self._replace(start, start + len(alias.name), f"{new} as {alias.name}")
        elif alias.asname == new:
            _, end = self._span(alias)
            if self._data[end - len(new) : end] != new.encode():
                raise _NotProven("an alias not spelled as parsed")
            self._replace(start, end, new)
        else:
            self._replace(start, start + len(alias.name), new)

    # -- expressions: attribute chains and strings --------------------------------------

    def _rewrite_expressions(self) -> None:
        chain_roots = {
            name
            for name, bindings in self._scan.bindings.items()
            if any(is_within(key, b.path) for b in bindings for key, _ in self._renames.pairs())
        }
        self._chain_roots = chain_roots
        # In an f-string: a chain root as a name (never after a word character or a dot),
        # or a string naming a moved module.
        roots = b"|".join(re.escape(name.encode()) for name in sorted(chain_roots))
        strings = [re.escape(n.encode()) for n in sorted(self._string_needles)]
        named = [rb"(?<![\w.])(?:" + roots + rb")\b"] if roots else []
        self._fstring_mention = re.compile(b"|".join(named + strings))
        needles = chain_roots | self._string_needles | self._new_roots
        self._lines = self._lines_with(needles)
        if self._lines:
            self._visit_children(self._tree, [(id(self._tree), False)])

    def _lines_with(self, needles: set[str]) -> list[int]:
        """Line numbers (sorted) holding any needle: nothing elsewhere can need a change."""
        starts = self._line_starts
        lines: set[int] = set()
        for needle in needles:
            raw = needle.encode()
            position = self._data.find(raw)
            while position >= 0:
                line = bisect.bisect_right(starts, position)
                lines.add(line)
                if line == len(starts):
                    break
                position = self._data.find(raw, starts[line])  # on from the next line
        return sorted(lines)

    def _interesting(self, node: ast.AST) -> bool:
        first = getattr(node, "lineno", None)
        if first is None:
            return True  # arguments, comprehension, withitem, match_case: no position
        if isinstance(node, _SCOPES) and node.decorator_list:
            first = min(first, node.decorator_list[0].lineno)
        at = bisect.bisect_left(self._lines, first)
        return at < len(self._lines) and self._lines[at] <= getattr(node, "end_lineno", first)

    def _visit_children(self, node: ast.AST, scopes: list[_Scope]) -> None:
        for child in ast.iter_child_nodes(node):
            if self._interesting(child):
                self._visit(child, scopes)

    def _visit(self, node: ast.AST, scopes: list[_Scope]) -> None:
        if isinstance(node, ast.Attribute):
            self._visit_chain(node, scopes)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                self._visit_string(node, node.value)
        elif isinstance(node, ast.JoinedStr):
            self._visit_fstring(node)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            return  # rewritten whole above; their names are not expressions
        elif isinstance(node, _SCOPES):
            self._note_bound(node.name)
            # Like the rewriter: decorators, parameters and annotations see the new scope.
            self._visit_children(node, [*scopes, (id(node), isinstance(node, ast.ClassDef))])
        else:
            self._note_binding(node)
            self._visit_children(node, scopes)

    def _note_bound(self, name: str | None) -> None:
        if name in self._new_roots:
            self._bound_roots.add(name)

    def _note_binding(self, node: ast.AST) -> None:
        """Names bound other than by imports (a superset of what `bound_names` counts)."""
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                self._note_bound(node.id)
        elif isinstance(node, ast.arg):
            self._note_bound(node.arg)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
            self._note_bound(node.name)
        elif isinstance(node, ast.MatchMapping):
            self._note_bound(node.rest)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in node.names:
                self._note_bound(name)

    def _visit_chain(self, node: ast.Attribute, scopes: list[_Scope]) -> None:
        chain: list[ast.expr] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            chain.append(current)
            current = current.value
        if isinstance(current, ast.Name) and current.id in self._chain_roots:
            chain.append(current)
            chain.reverse()  # chain[j] is the root followed by j attributes
            self._plan_chain(chain, scopes)
        if self._interesting(current):
            self._visit(current, scopes)

    def _visible(self, name: str, scopes: list[_Scope]) -> list[_Binding]:
        candidates = self._scan.bindings.get(name, [])
        innermost = len(scopes) - 1
        for depth in range(innermost, -1, -1):
            scope = scopes[depth]
            if scope[1] and depth != innermost:
                continue
            found = [b for b in candidates if b.scope == scope]
            if found:
                return found
        return []

    def _plan_chain(self, chain: list[ast.expr], scopes: list[_Scope]) -> None:
        root = chain[0]
        assert isinstance(root, ast.Name)
        attrs = [n.attr for n in chain[1:] if isinstance(n, ast.Attribute)]
        outcomes: dict[tuple[int, str] | None, tuple[str, tuple[int, str]] | None] = {}
        for binding in self._visible(root.id, scopes):
            outcome = self._chain_outcome(binding, attrs)
            outcomes[None if outcome is None else outcome[0]] = (
                None if outcome is None else outcome[1]
            )
        if len(outcomes) > 1:
            raise _NotProven("a name imported from several modules (LibCST warns)")
        for place, need in outcomes.items():
            if place is not None and need is not None:
                depth, reference = place
                start, end = self._span(chain[depth])
                self._replace(start, end, reference)
                self._needs.append(need)

    def _chain_outcome(
        self, binding: _Binding, attrs: list[str]
    ) -> tuple[tuple[int, str], tuple[str, tuple[int, str]]] | None:
        target = self._renames.chain_target(binding.path, attrs, binding.plain)
        if target is None:
            return None
        depth, module = target.depth, target.module
        self._reference_roots.add(module.partition(".")[0])
        reference = module if target.symbol is None else f"{module}.{target.symbol}"
        return (depth, reference), (module, binding.block)

    def _visit_string(self, node: ast.Constant, value: str) -> None:
        if not any(needle in value for needle in self._string_needles):
            return  # no literal in it names a moved module (see `_string_needles`)
        start, end = self._span(node)
        found = _ONE_LITERAL.fullmatch(self._data, start, end)
        if found is None or found.group(2) in found.group(3):
            raise _NotProven("implicitly concatenated strings")
        if b"\\" in found.group(3) or b"b" in found.group(1).lower():
            return  # LibCST leaves strings with escapes alone
        new = rewrite_path_string(
            self._renames, found.group(3).decode("utf-8"), self._place.protected
        )
        if new is not None:
            self._replace(found.start(3), found.end(3), new)

    def _visit_fstring(self, node: ast.JoinedStr) -> None:
        start, end = self._span(node)
        segment = self._data[start:end]
        if self._fstring_mention.search(segment):
            raise _NotProven("an f-string mentions the module")
        # Not walked (positions inside f-strings are unreliable before Python 3.12): a
        # walrus in it could bind a root name, so count any it mentions as bound.
        self._bound_roots.update(r for r in self._new_roots if r.encode() in segment)


def _suites(stmt: ast.stmt) -> Iterator[tuple[ast.AST, str, list[ast.stmt]]]:
    """A compound statement's statement lists, in source order (as `_import_scan._suites`)."""
    body = getattr(stmt, "body", None)
    if isinstance(body, list):
        yield stmt, "body", body
    for part in getattr(stmt, "handlers", ()):
        yield part, "body", part.body
    for case in getattr(stmt, "cases", ()):
        yield case, "body", case.body
    for name in ("orelse", "finalbody"):
        suite = getattr(stmt, name, None)
        if suite:
            yield stmt, name, suite
