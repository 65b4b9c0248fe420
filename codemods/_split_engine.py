"""The engine half of a split: what stays, importing back what moved, checked to do no
database work; database imports it uses only in annotations go under `TYPE_CHECKING`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from codemods._class_split import ClassSplit
from codemods._db_usage import Classification, classify_module, is_db_module
from codemods._errors import CodemodRefusal
from codemods._header import HeaderSpec, read_header, set_header, without_split_notes
from codemods._module_graph import (
    ImportSpec,
    ModuleGraph,
    MovePlan,
    add_imports,
    all_names,
    code_of,
    has_future_annotations,
    remove_import_bindings,
    remove_statements,
    uses_relative_imports,
)
from codemods._split_select import Selection, walk


def build_engine(
    graph: ModuleGraph,
    plan: MovePlan,
    selection: Selection,
    splits: dict[int, ClassSplit],
    staying_uses: dict[int, set[str]],
    driver_module: str,
    partial: bool,
    protocols: Sequence[ImportSpec] = (),
) -> tuple[cst.Module, list[str]]:
    """The engine module; `protocols`: the driver protocols it imports (`protocol: true`)."""
    tree = graph.module
    body = [splits[i].engine if i in splits else s for i, s in enumerate(tree.body)]
    engine = remove_statements(tree.with_changes(body=body), plan.moving)

    staying = [i for i in range(len(tree.body)) if i not in plan.moving]
    used = set().union(*(staying_uses.get(i, graph.uses[i]) for i in staying))
    used |= all_names(tree)
    moved_names = [n for index in sorted(plan.moving) for n in graph.defined_names(index)]
    back = [n for n in moved_names if not n.startswith("_") or n in used]
    # Public names the engine itself no longer uses are imported back for its callers:
    # `import x as x` says so (an explicit re-export, not an unused import).
    exported = {n for n in back if n not in used and n not in all_names(tree)}
    back += [split.driver_name for split in splits.values()]

    engine_graph = ModuleGraph.build(engine, graph.package)
    unused = {
        name
        for name in plan.imports
        if name != "annotations" and not engine_graph.users(name) and name not in all_names(engine)
    }
    engine = remove_import_bindings(engine, engine_graph, unused)
    relative = uses_relative_imports(tree)
    specs = [
        ImportSpec(driver_module, name, name if name in exported else None, relative)
        for name in back
    ]
    specs += protocols
    engine = add_imports(engine, specs, graph.package, prefer_relative=relative)
    if not partial:
        refuse_leftover_db(engine, classify_module(tree))
        refuse_runtime_db_uses(graph, selection.moved_nodes(graph, plan.moving))
    # Database names the engine uses only in annotations: under TYPE_CHECKING (a partial
    # split too, so that what moved leaves no runtime SQLAlchemy import behind).
    return db_imports_to_type_checking(engine, graph, strict=not partial)


def refuse_leftover_db(engine: cst.Module, original: list[Classification]) -> None:
    """Refuse when database code stays in the engine (evidence at its original lines)."""
    before = {c.name: c for c in original}
    leftover = [
        before.get(c.name, c) for c in classify_module(engine) if c.kind != "class" and c.is_db
    ]
    if leftover:
        shown = "; ".join(f"{c.name} ({', '.join(c.reasons)})" for c in leftover)
        raise CodemodRefusal(
            f"the engine would still do database work: {shown}. List it too, or split with partial"
        )


def refuse_runtime_db_uses(graph: ModuleGraph, moved: set[int]) -> None:
    """Refuse when code staying in the engine uses a SQLAlchemy import at runtime."""
    wrapper = MetadataWrapper(graph.module, unsafe_skip_copy=True)
    scope = wrapper.resolve(ScopeProvider)[graph.module]
    positions = wrapper.resolve(PositionProvider)
    assert scope is not None
    runtime: list[str] = []
    for name, bindings in graph.bindings.items():
        if not any(
            b.kind == "import"
            and b.spec
            and is_db_module(b.spec.module)
            and not b.spec.type_checking
            for b in bindings
        ):
            continue
        lines = sorted(
            positions[access.node].start.line
            for assignment in scope[name]
            for access in assignment.references
            if id(access.node) not in moved
            and not access.is_annotation
            and not isinstance(access.node, cst.SimpleString)
        )
        if lines:
            runtime.append(f"{name} at line {lines[0]}")
    if runtime:
        raise CodemodRefusal(
            "the engine would still use SQLAlchemy at runtime: " + ", ".join(runtime)
        )


def db_imports_to_type_checking(
    engine: cst.Module, graph: ModuleGraph, *, strict: bool = True
) -> tuple[cst.Module, list[str]]:
    """Database imports the engine uses only in annotations go under `if TYPE_CHECKING:`.

    `strict`: a runtime use is refused (a partial split leaves those in place)."""
    engine_graph = ModuleGraph.build(engine, graph.package)
    wrapper = MetadataWrapper(engine, unsafe_skip_copy=True)
    scope = wrapper.resolve(ScopeProvider)[engine]
    positions = wrapper.resolve(PositionProvider)
    assert scope is not None
    hints: dict[str, ImportSpec] = {}
    unused: set[str] = set()
    runtime: list[str] = []
    for name, bindings in engine_graph.bindings.items():
        for binding in bindings:
            spec = binding.spec
            if binding.kind != "import" or spec is None or spec.type_checking:
                continue
            if not is_db_module(spec.module):
                continue
            accesses = [a for assignment in scope[name] for a in assignment.references]
            lines = [
                positions[a.node].start.line
                for a in accesses
                if not a.is_annotation and not isinstance(a.node, cst.SimpleString)
            ]
            if lines:
                runtime.append(f"{name} at line {lines[0]}")
            elif accesses:
                hints[name] = ImportSpec(spec.module, spec.name, spec.asname, spec.relative, True)
            elif strict:
                unused.add(name)
    if runtime and strict:
        raise CodemodRefusal(
            "the engine would still use SQLAlchemy at runtime: " + ", ".join(runtime)
        )
    engine = remove_import_bindings(engine, engine_graph, unused | set(hints))
    if hints:
        engine = add_imports(engine, list(hints.values()), graph.package)
        if not has_future_annotations(engine):
            engine = engine.visit(_QuoteAnnotations(set(hints)))
    return engine, sorted(hints)


class _QuoteAnnotations(cst.CSTTransformer):
    """Annotations naming type-checking-only imports become strings (no runtime lookup)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        inner = updated_node.annotation
        if isinstance(inner, cst.SimpleString | cst.ConcatenatedString):
            return updated_node
        named = {n.value for n in walk(inner) if isinstance(n, cst.Name)}
        if not named & self.names:
            return updated_node
        text = code_of(inner)
        quote = '"' if '"' not in text else "'"
        if quote in text:
            raise CodemodRefusal(f"cannot quote the annotation {text}: it holds both quotes")
        return updated_node.with_changes(annotation=cst.SimpleString(quote + text + quote))


def header_for_engine(
    text: str, partial: bool, header: HeaderSpec | None, hybrid_note: str | None
) -> str:
    if partial:
        return set_header(text, hybrid=True, hybrid_note=hybrid_note)
    return without_split_notes((header or HeaderSpec("L5")).apply(text))


#: "... with embedded DB persistence", "..., their persistence and ...": the part of a
#: HYBRID module's Role that named its database work, which the engine no longer does.
_DB_ROLE_CLAUSE = re.compile(
    r"\s+with\s+(?:(?:its|their|an?|embedded|the)\s+)*(?:[\w-]+\s+){0,2}?"
    r"(?:persistence|storage|db operations|database operations|database access|db access|sql)"
    r"(?=\s*(?:$|[,;.)]))",
    re.IGNORECASE,
)
_DB_ROLE_ITEM = re.compile(
    r",\s*(?:its|their)\s+(?:persistence|storage)(?P<tail>\s+and\b|(?=\s*,))", re.IGNORECASE
)


def engine_role(role: str) -> str:
    """The engine's Role without the note about the database work it hands to the driver."""
    cleaned = _DB_ROLE_CLAUSE.sub("", role)
    cleaned = _DB_ROLE_ITEM.sub(lambda m: " and" if m["tail"] else "", cleaned)
    cleaned = re.sub(r"\s{2,}", " ", cleaned).strip(" ,;")
    return cleaned or role


def engine_spec(source: str, header: HeaderSpec | None, partial: bool) -> HeaderSpec | None:
    """The engine header: the given one, with a Role cleaned of its database note."""
    if partial:
        return header
    role = read_header(source).get("Role")
    spec = header or HeaderSpec("L5")
    if role is None or spec.role is not None:
        return spec
    cleaned = engine_role(role)
    return spec if cleaned == role else replace(spec, role=cleaned)
