"""`protocol: true`: a `typing.Protocol` per driver class, in the domain's schemas, so that
the engine depends on what it calls rather than on the driver class (L5 on L5).

`class AnomalyDetectorDriverProtocol(Protocol)` lists the public methods of
`AnomalyDetectorDriver` (those it inherits from a shared base too) with their signatures
and `...` bodies. Names its annotations use come from the driver's imports, under
`if TYPE_CHECKING:` (a schema does no database work at runtime).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import libcst as cst

from codemods._errors import CodemodRefusal
from codemods._header import HeaderSpec
from codemods._module_graph import (
    ImportSpec,
    ModuleGraph,
    add_imports,
    append_statements,
    code_of,
    package_of,
)
from codemods._statements import walk_nodes


def protocol_name(driver_name: str) -> str:
    return f"{driver_name}Protocol"


def build_protocols(
    driver: cst.Module,
    driver_module: str,
    driver_names: Sequence[str],
    protocol_module: str,
    protocol_source: str | None,
    header: HeaderSpec,
) -> str:
    """The protocol module (`protocol_source`, else a new one with `header`) holding a
    protocol for each of `driver_names`, classes of `driver` (module `driver_module`)."""
    classes = {s.name.value: s for s in driver.body if isinstance(s, cst.ClassDef)}
    driver_graph = ModuleGraph.build(driver, package_of(driver_module))
    target = cst.parse_module(protocol_source if protocol_source is not None else header.apply(""))
    taken = ModuleGraph.build(target, package_of(protocol_module)).bindings
    statements: list[cst.ClassDef] = []
    needed: dict[str, ImportSpec] = {}
    for name in driver_names:
        wanted = protocol_name(name)
        if wanted in taken:
            raise CodemodRefusal(f"{protocol_module} already defines {wanted}")
        methods = _public_methods(classes, name)
        for method in methods:
            for used in _annotation_names(method):
                spec = _import_for(used, driver_graph, driver_module)
                if spec is not None:
                    needed[used] = spec
        statements.append(_protocol(wanted, name, methods))
    specs = [
        ImportSpec("__future__", "annotations", None, False),
        ImportSpec("typing", "Protocol", None, False),
        *needed.values(),
    ]
    target = add_imports(target, specs, package_of(protocol_module), prefer_relative=False)
    return append_statements(target, statements).code


def _public_methods(classes: dict[str, cst.ClassDef], name: str) -> list[cst.FunctionDef]:
    """The class's public methods, its bases' (in the same module) first."""
    klass = classes[name]
    found: dict[str, cst.FunctionDef] = {}
    for base in klass.bases:
        if isinstance(base.value, cst.Name) and base.value.value in classes:
            found.update({m.name.value: m for m in _public_methods(classes, base.value.value)})
    assert isinstance(klass.body, cst.IndentedBlock)
    for item in klass.body.body:
        if isinstance(item, cst.FunctionDef) and not item.name.value.startswith("_"):
            found[item.name.value] = item
    return list(found.values())


def _protocol(name: str, driver_name: str, methods: Sequence[cst.FunctionDef]) -> cst.ClassDef:
    engine = driver_name.removesuffix("Driver")
    lines = [
        f"class {name}(Protocol):",
        f'    """The database operations {engine} uses ({driver_name} has them)."""',
    ]
    for method in methods:
        stub = method.with_changes(
            body=cst.SimpleStatementSuite(body=[cst.Expr(cst.Ellipsis())]),
            leading_lines=[],
            decorators=[],
        )
        lines += ["", *("    " + line for line in code_of(stub).strip().split("\n"))]
    parsed = cst.parse_statement("\n".join(lines) + "\n")
    assert isinstance(parsed, cst.ClassDef)
    return parsed


def _annotation_names(method: cst.FunctionDef) -> set[str]:
    annotations = [p.annotation for p in _params(method.params)]
    annotations.append(method.returns)
    nodes = [n for a in annotations for n in walk_nodes(a)]
    attributes = {id(n.attr) for n in nodes if isinstance(n, cst.Attribute)}
    return {n.value for n in nodes if isinstance(n, cst.Name) and id(n) not in attributes}


def _params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    found += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return found


def _import_for(name: str, graph: ModuleGraph, driver_module: str) -> ImportSpec | None:
    """How the protocol module imports a name the driver's annotations use."""
    if hasattr(builtins, name):
        return None
    binding = graph.single_binding(name)
    if binding is None:
        return None
    if binding.spec is not None:
        spec = binding.spec
        return ImportSpec(spec.module, spec.name, spec.asname, False, True)
    return ImportSpec(driver_module, name, None, False, True)
