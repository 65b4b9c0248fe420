"""The transformer behind `rewrite_tree`: imports, attribute chains and dotted strings.

A plain `CSTTransformer` (no metadata providers, which cost several times a plain pass).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst import MaybeSentinel

from codemods._cst_nodes import (
    build_dotted,
    dotted_name,
    dotted_name_or_none,
    import_from_base,
    plain_import,
    realigned,
    renamed_alias,
    split_line,
    with_last_comma,
)
from codemods._dotted import (
    FilePlace,
    Renames,
    bare_submodule_renames,
    is_within,
    last,
    parent,
    rewrite_path_string,
)
from codemods._import_scan import Binding, ImportScan, Scope, Site
from codemods._names import bound_names


@dataclass(frozen=True)
class _Need:
    """An `import module [as alias]` a rewritten attribute chain relies on."""

    module: str
    alias: str | None
    site: Site  # the import the chain went through: the new import goes next to it


class Rewriter(cst.CSTTransformer):
    def __init__(
        self, tree: cst.Module, renames: Renames, place: FilePlace, scan: ImportScan
    ) -> None:
        super().__init__()
        self._tree = tree
        self._renames = renames
        self._place = place
        self._scan = scan
        self._replace_at: dict[int, cst.BaseExpression] = {}
        self._inner_chain_nodes: set[int] = set()
        self._needs: list[_Need] = []
        self._line_out: dict[int, cst.CSTNode] = {}
        self._taken: frozenset[str] | None = None
        self._aliases: dict[str, str] = {}
        self._scopes: list[Scope] = [(id(tree), False)]
        self.changed = False
        self.warnings: list[str] = []
        # A package's `__init__`: the bare names of its renamed submodules, and the Name
        # nodes that are not references (attribute names, keywords) or are `del` targets.
        self._bare = bare_submodule_renames(scan.imported, place, renames, scan.bindings)
        if self._bare:  # only then the file's other bindings are worth a pass
            taken = bound_names(tree, class_bodies=True) | set(scan.bindings)
            self._bare = bare_submodule_renames(scan.imported, place, renames, taken)
        self._not_references: set[int] = set()
        self._deleted: set[int] = set()

    # Scopes, to know which import a name in an expression refers to.

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append((id(node), False))

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append((id(node), True))

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self._scopes.pop()
        return updated_node

    def _visible_bindings(self, name: str) -> list[Binding]:
        """The imports `name` refers to here: innermost scope first, class bodies skipped."""
        candidates = self._scan.bindings.get(name, [])
        innermost = len(self._scopes) - 1
        for depth in range(innermost, -1, -1):
            scope = self._scopes[depth]
            if scope[1] and depth != innermost:
                continue
            found = [b for b in candidates if b.site.scope == scope]
            if found:
                return found
        return []

    # Imports: rewritten whole at their statement line; their names are not expressions.

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if id(original_node) not in self._scan.import_lines:
            return updated_node
        pieces = self._rewrite_body(updated_node.body)
        if pieces is None:
            self._line_out[id(original_node)] = updated_node
            return updated_node
        self.changed = True
        if len(updated_node.body) == 1 and len(pieces) > 1:
            lines = [split_line(updated_node, piece, i == 0) for i, piece in enumerate(pieces)]
            self._line_out[id(original_node)] = lines[-1]
            return cst.FlattenSentinel(lines)
        line = updated_node.with_changes(body=pieces)
        self._line_out[id(original_node)] = line
        return line

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        if id(original_node) not in self._scan.import_lines:
            return updated_node
        pieces = self._rewrite_body(updated_node.body)
        out = updated_node if pieces is None else updated_node.with_changes(body=pieces)
        self.changed = self.changed or pieces is not None
        self._line_out[id(original_node)] = out
        return out

    def _rewrite_body(
        self, body: Sequence[cst.BaseSmallStatement]
    ) -> list[cst.BaseSmallStatement] | None:
        out: list[cst.BaseSmallStatement] = []
        changed = False
        for stmt in body:
            new: list[cst.BaseSmallStatement] | None = None
            if isinstance(stmt, cst.Import):
                new = self._rewrite_import(stmt)
            elif isinstance(stmt, cst.ImportFrom):
                new = self._rewrite_import_from(stmt)
            if new is None:
                out.append(stmt)
                continue
            changed = True
            # Statements split from one keep its semicolon on the last piece only.
            out += [s.with_changes(semicolon=MaybeSentinel.DEFAULT) for s in new[:-1]]
            out.append(new[-1].with_changes(semicolon=stmt.semicolon))
        return out if changed else None

    def _rewrite_import(self, node: cst.Import) -> list[cst.BaseSmallStatement] | None:
        aliases = []
        for alias in node.names:
            new = self._renames.apply(dotted_name(alias.name))
            aliases.append(alias if new is None else alias.with_changes(name=build_dotted(new)))
        if all(a is b for a, b in zip(aliases, node.names, strict=True)):
            return None
        return [node.with_changes(names=aliases)]

    def _rewrite_import_from(self, node: cst.ImportFrom) -> list[cst.BaseSmallStatement] | None:
        base = import_from_base(node, self._place.old_package)
        if base is None:
            return None
        if isinstance(node.names, cst.ImportStar):
            return self._rewrite_star(node, base)
        groups: dict[str, list[cst.ImportAlias]] = {}
        for alias in node.names:
            name = dotted_name(alias.name)
            path = self._renames.apply_attribute(base, name) or f"{base}.{name}"
            groups.setdefault(parent(path), []).append(renamed_alias(alias, last(path)))
        untouched = list(groups) == [base] and all(
            a is b for a, b in zip(groups[base], node.names, strict=True)
        )
        if untouched and not (node.relative and self._place.moved):
            return None
        home = self._renames.apply(base) or base
        ordered = sorted(groups, key=lambda target: target != home)  # stable: home first
        trailing = node.names[-1].comma
        pieces = [
            self._import_from(node, target, with_last_comma(groups[target], trailing))
            for target in ordered
        ]
        pieces = [realigned(node, p) if isinstance(p, cst.ImportFrom) else p for p in pieces]
        if len(pieces) == 1 and pieces[0].deep_equals(node):
            return None
        return pieces

    def _rewrite_star(self, node: cst.ImportFrom, base: str) -> list[cst.BaseSmallStatement] | None:
        star = self._import_from(node, self._renames.apply(base) or base, node.names)
        # Names mode: definitions that left `base` no longer come with its star.
        moved: dict[str, list[cst.ImportAlias]] = {}
        for key, new in self._renames.pairs():
            if not (self._renames.is_symbols and parent(key) == base):
                continue
            known = self._scan.bindings.get(last(key), [])
            if not any((self._renames.apply(b.path) or b.path) == new for b in known):
                moved.setdefault(parent(new), []).append(cst.ImportAlias(cst.Name(last(new))))
        if not moved and star.deep_equals(node):
            return None
        extra = [self._import_from(node, module, aliases) for module, aliases in moved.items()]
        return [star, *extra]

    def _import_from(
        self,
        node: cst.ImportFrom,
        target: str,
        aliases: Sequence[cst.ImportAlias] | cst.ImportStar,
    ) -> cst.BaseSmallStatement:
        """`node` importing `aliases` from `target`, in the node's style where possible."""
        if not target:  # a top-level module: `from a import b` -> `import d as b`
            assert not isinstance(aliases, cst.ImportStar)
            return cst.Import(names=[a.with_changes(comma=MaybeSentinel.DEFAULT) for a in aliases])
        level = len(node.relative)
        if level == 0:
            module_node = node.module if dotted_name_or_none(node.module) == target else None
            return node.with_changes(module=module_node or build_dotted(target), names=aliases)
        written = dotted_name_or_none(node.module)
        unchanged = import_from_base(node, self._place.old_package) == target
        if unchanged and not self._place.moved:
            return node.with_changes(names=aliases)
        form = self._place.relative_form(target, self._place.new_package)
        if form is None:
            return node.with_changes(relative=[], module=build_dotted(target), names=aliases)
        new_level, rest = form
        if (new_level, rest) == (level, written):
            return node.with_changes(names=aliases)
        return node.with_changes(
            relative=[cst.Dot() for _ in range(new_level)],
            module=build_dotted(rest) if rest else None,
            names=aliases,
        )

    # Attribute chains through an imported module: `a.b.f` after `import a.b`.

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self._not_references.add(id(node.attr))
        if id(node) in self._inner_chain_nodes:
            return True
        chain: list[cst.BaseExpression] = []
        current: cst.BaseExpression = node
        while isinstance(current, cst.Attribute):
            chain.append(current)
            current = current.value
        self._inner_chain_nodes.update(id(n) for n in chain[1:])
        if isinstance(current, cst.Name) and current.value in self._scan.bindings:
            chain.append(current)
            chain.reverse()  # chain[j] is the root followed by j attributes
            self._plan_chain(chain)
        return True

    def _plan_chain(self, chain: list[cst.BaseExpression]) -> None:
        root = chain[0]
        assert isinstance(root, cst.Name)
        attrs = [n.attr.value for n in chain[1:] if isinstance(n, cst.Attribute)]
        outcomes: dict[tuple[int, str] | None, _Need | None] = {}
        for binding in self._visible_bindings(root.value):
            outcome = self._chain_outcome(binding, attrs)
            outcomes[None if outcome is None else outcome[0]] = (
                None if outcome is None else outcome[1]
            )
        if len(outcomes) > 1:
            self.warnings.append(
                f"{root.value!r} is imported from several modules in one scope; left "
                f"{'.'.join([root.value, *attrs])} unchanged"
            )
            return
        for place, need in outcomes.items():
            if place is not None and need is not None:
                depth, reference = place
                self._replace_at[id(chain[depth])] = build_dotted(reference)
                self._needs.append(need)

    def _chain_outcome(
        self, binding: Binding, attrs: list[str]
    ) -> tuple[tuple[int, str], _Need] | None:
        """Where the chain `<binding>.<attrs>` is rewritten (depth, new text), if at all."""
        target = self._renames.chain_target(binding.path, attrs, binding.plain)
        if target is None:
            return None
        depth, module = target.depth, target.module
        reference, alias = self._reference_to(module)
        if target.symbol is not None:
            reference = f"{reference}.{target.symbol}"
        return (depth, reference), _Need(module, alias, binding.site)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replaced(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        new = self._bare.get(original_node.value)
        # `del sub` in the package's `__init__` (it cleans up the name the import bound)
        # becomes `del other`; only a name can be deleted so, not `x.other`.
        if (
            new is not None
            and id(original_node) not in self._not_references
            and ("." not in new or id(original_node) not in self._deleted)
        ):
            self.changed = True
            return build_dotted(new).with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return self._replaced(original_node, updated_node)

    # Names that are not references to a module-level name.

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_references.add(id(node.keyword))

    def visit_MatchKeywordElement(self, node: cst.MatchKeywordElement) -> None:
        self._not_references.add(id(node.key))

    def visit_Del(self, node: cst.Del) -> None:
        targets: list[cst.BaseExpression] = [node.target]
        while targets:
            target = targets.pop()
            if isinstance(target, cst.Name):
                self._deleted.add(id(target))
            elif isinstance(target, cst.Tuple | cst.List):
                targets += [element.value for element in target.elements]

    def _replaced(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        new = self._replace_at.get(id(original))
        if new is None:
            return updated
        self.changed = True
        if isinstance(updated, cst.Attribute | cst.Name):
            return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return new

    def _reference_to(self, module: str) -> tuple[str, str | None]:
        """How the file names `module` in a rewritten chain: dotted, or an alias on a clash."""
        if self._taken is None:
            self._taken = bound_names(self._tree)
        root = module.partition(".")[0]
        if root not in self._taken:
            return module, None
        alias = self._aliases.get(module)
        if alias is None:
            alias = last(module)
            while alias in self._taken or alias in self._scan.bindings:
                alias += "_module"
            self._aliases[module] = alias
        return alias, alias

    def missing_imports(self) -> dict[int, list[tuple[str, str | None]]]:
        """Imports to add after given (output) lines so every rewritten chain resolves.

        An import covers a chain when it is in the same block as the import the chain went
        through, or at module level; one new import per block.
        """
        visible = (self._scan.module_block,)
        plain = {(self._renames.apply(p) or p, block) for p, block in self._scan.plain_imports}
        aliased = {
            (name, self._renames.apply(b.path) or b.path, b.site.block)
            for name, bindings in self._scan.bindings.items()
            for b in bindings
            if not b.plain
        }
        first: dict[tuple[str, str | None, int], Site] = {}
        for need in self._needs:
            blocks = {need.site.block, *visible}
            if need.alias is None:
                if any(is_within(p, need.module) and b in blocks for p, b in plain):
                    continue
            elif any((need.alias, need.module, b) in aliased for b in blocks):
                continue
            key = (need.module, need.alias, need.site.block)
            if key not in first or need.site.order < first[key].order:
                first[key] = need.site
        missing: dict[int, list[tuple[str, str | None]]] = {}
        for (module, alias, _block), site in sorted(first.items(), key=lambda kv: kv[1].order):
            missing.setdefault(id(self._line_out[id(site.line)]), []).append((module, alias))
        return missing

    # Strings that name a module path exactly: mock.patch("a.b.f"), "a.b:f" entry points.

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        if "b" in updated_node.prefix.lower() or "\\" in updated_node.value:
            return updated_node
        new = rewrite_path_string(self._renames, updated_node.raw_value, self._place.protected)
        if new is None:
            return updated_node
        self.changed = True
        quote = updated_node.quote
        return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{new}{quote}")


class InsertImports(cst.CSTTransformer):
    """Add `import module [as alias]` right after given statement lines (same block)."""

    def __init__(self, after: dict[int, list[tuple[str, str | None]]]) -> None:
        super().__init__()
        self._after = after

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        wanted = self._after.get(id(original_node))
        if not wanted:
            return updated_node
        return cst.FlattenSentinel(
            [updated_node, *(cst.SimpleStatementLine([plain_import(m, a)]) for m, a in wanted)]
        )

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        wanted = self._after.get(id(original_node))
        if not wanted:
            return updated_node
        return updated_node.with_changes(
            body=[*updated_node.body, *(plain_import(m, a) for m, a in wanted)]
        )
