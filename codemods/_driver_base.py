"""One operation, one method: what several driver classes of a split would each hold goes to
a base class they derive from.

Two engine classes of a module that write the same `CostAnomaly` insert would get two
identical `insert_cost_anomaly` methods, one per driver. A method two or more drivers hold
under the same name with the same code moves to `<Module>DriverBase` (written before them
in the driver module), with the constructor when theirs are all the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codemods._class_split import ClassSplit
from codemods._module_graph import code_of, statement_leading_blank


def base_name(driver_module: str) -> str:
    """`app.x.drivers.anomaly_driver` -> `AnomalyDriverBase`."""
    stem = driver_module.rsplit(".", 1)[-1]
    words = [w for w in stem.split("_") if w]
    if words and words[-1].lower() != "driver":
        words.append("driver")
    return "".join(w[:1].upper() + w[1:] for w in words) + "Base"


def share_operations(
    splits: Sequence[ClassSplit], name: str
) -> tuple[cst.ClassDef | None, list[str]]:
    """The base class holding the operations `splits`' drivers share (each driver then
    derives from it and loses its copies), None when they share none; and what it holds."""
    owners: dict[tuple[str, str], list[int]] = {}
    for number, split in enumerate(splits):
        for method in _methods(split.driver):
            if method.name.value != "__init__":
                owners.setdefault(_key(method), []).append(number)
    shared = {key for key, found in owners.items() if len(found) > 1}
    if not shared:
        return None, []
    sharing = sorted({n for key in shared for n in owners[key]})
    inits = {_key(m) for n in sharing for m in _methods(splits[n].driver) if _is_init(m)}
    all_have_init = all(any(_is_init(m) for m in _methods(splits[n].driver)) for n in sharing)
    common_init = len(inits) == 1 and all_have_init
    members: list[cst.BaseStatement] = []
    seen: set[tuple[str, str]] = set()
    for number in sharing:
        for method in _methods(splits[number].driver):
            key = _key(method)
            wanted = key in shared or (common_init and _is_init(method))
            if wanted and key not in seen:
                seen.add(key)
                members.append(statement_leading_blank(method, 1))
    for number in sharing:
        split = splits[number]
        body = [
            item
            for item in _body(split.driver)
            if not (
                isinstance(item, cst.FunctionDef)
                and (_key(item) in shared or (common_init and _is_init(item)))
            )
        ]
        split.driver = split.driver.with_changes(
            bases=[cst.Arg(cst.Name(name))],
            lpar=cst.LeftParen(),
            rpar=cst.RightParen(),
            body=split.driver.body.with_changes(body=body),
        )
    users = " and ".join(splits[n].driver_name for n in sharing)
    docstring = cst.parse_statement(f'"""Database operations {users} share."""\n')
    base = cst.ClassDef(
        name=cst.Name(name),
        body=cst.IndentedBlock(body=[docstring, *members]),
        leading_lines=[],
    )
    notes = [
        f"{method}: one method, in {name}, which "
        + " and ".join(splits[n].driver_name for n in owners[(method, code)])
        + " derive from"
        for method, code in sorted(shared)
    ]
    return base, notes


def _body(klass: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    assert isinstance(klass.body, cst.IndentedBlock)
    return klass.body.body


def _methods(klass: cst.ClassDef) -> list[cst.FunctionDef]:
    return [item for item in _body(klass) if isinstance(item, cst.FunctionDef)]


def _is_init(method: cst.FunctionDef) -> bool:
    return method.name.value == "__init__"


def _key(method: cst.FunctionDef) -> tuple[str, str]:
    return method.name.value, code_of(method.with_changes(leading_lines=[])).strip()
