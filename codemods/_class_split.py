"""Split one class: its database methods become a `<Name>Driver` class.

The engine class keeps its logic and reaches the driver through `self._driver`, which
its constructor receives (`driver: <Name>Driver | None = None`, so existing
constructors keep working). Every public database method keeps a thin delegating
method with the same signature in the engine. Instance state the database methods
read (`self.session_factory`) is handed to the driver when the engine builds it.
"""

from __future__ import annotations

import keyword
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from codemods._errors import CodemodRefusal
from codemods._module_graph import code_of, dotted, is_docstring, statement_leading_blank

DRIVER_ATTRIBUTE = "_driver"
_KEPT_DECORATORS = {"property", "staticmethod"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}


@dataclass
class ClassSplit:
    """The two classes a split produces."""

    engine: cst.ClassDef
    driver: cst.ClassDef
    driver_name: str
    delegated: list[str]
    state: list[str]  # engine attributes handed to the driver
    annotations: list[cst.CSTNode] = field(default_factory=list)  # copied into the driver


def split_class(klass: cst.ClassDef, methods: Sequence[str], driver_name: str) -> ClassSplit:
    """Split `methods` of `klass` into a new class `driver_name` (refuses unsafe cases)."""
    name = klass.name.value
    _check_class(klass)
    body = list(_body(klass))
    defs = {item.name.value: item for item in body if isinstance(item, cst.FunctionDef)}
    for method in methods:
        _check_method(name, method, defs)
        if sum(isinstance(i, cst.FunctionDef) and i.name.value == method for i in body) > 1:
            raise CodemodRefusal(
                f"{name}.{method} is defined more than once (a property setter?): split it by hand"
            )
    if DRIVER_ATTRIBUTE in defs or DRIVER_ATTRIBUTE in _class_attributes(body):
        raise CodemodRefusal(f"{name} already has a {DRIVER_ATTRIBUTE}: split it by hand")
    moved = {method: defs[method] for method in methods}
    staying = {n: d for n, d in defs.items() if n not in moved}
    init = staying.get("__init__")
    if init is not None and "driver" in _param_names(init):
        raise CodemodRefusal(f"{name}.__init__ already takes a 'driver' parameter")
    init_attrs = _init_assignments(init)
    if DRIVER_ATTRIBUTE in init_attrs:
        raise CodemodRefusal(f"{name} already sets self.{DRIVER_ATTRIBUTE}: split it by hand")

    state = _state(name, moved, staying, set(_class_attributes(body)))
    private = {m for m in moved if m.startswith("_")}
    engine_body: list[cst.BaseStatement] = []
    delegated: list[str] = []
    for item in body:
        if isinstance(item, cst.FunctionDef) and item.name.value in moved:
            if item.name.value not in private:
                engine_body.append(_delegate(item, driver_name))
                delegated.append(item.name.value)
            continue
        if isinstance(item, cst.FunctionDef):
            item = item.visit(_RouteToDriver(_self_name(item), private))  # type: ignore[assignment]
            if item.name.value == "__init__":
                item = _wire_init(name, item, driver_name, state, moved, init_attrs)
        engine_body.append(item)
    if init is None:
        engine_body = _with_new_init(klass, engine_body, driver_name, state)
    engine = klass.with_changes(body=klass.body.with_changes(body=engine_body))
    driver, annotations = _driver_class(klass, driver_name, moved, state, init)
    return ClassSplit(engine, driver, driver_name, delegated, state, annotations)


def _body(klass: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    if not isinstance(klass.body, cst.IndentedBlock):
        raise CodemodRefusal(f"{klass.name.value} is a one-line class: split it by hand")
    return klass.body.body


def _check_class(klass: cst.ClassDef) -> None:
    name = klass.name.value
    for decorator in klass.decorators:
        expression = decorator.decorator
        callee = expression.func if isinstance(expression, cst.Call) else expression
        if dotted(callee).rsplit(".", 1)[-1] == "dataclass":
            raise CodemodRefusal(f"{name} is a dataclass: split its database methods by hand")
    if any(dotted(arg.value).rsplit(".", 1)[-1] in _ENUM_BASES for arg in klass.bases):
        raise CodemodRefusal(f"{name} is an enum: split its database methods by hand")


def _check_method(klass: str, method: str, defs: dict[str, cst.FunctionDef]) -> None:
    node = defs.get(method)
    if node is None:
        raise CodemodRefusal(f"{klass} has no method {method}")
    if method.startswith("__") and method.endswith("__"):
        raise CodemodRefusal(
            f"{klass}.{method} does database work: a special method cannot be delegated, "
            "split it by hand"
        )
    decorators = {_decorator_name(d) for d in node.decorators}
    if "classmethod" in decorators:
        raise CodemodRefusal(f"{klass}.{method} is a classmethod: split it by hand")
    if "staticmethod" not in decorators and not _param_names(node):
        raise CodemodRefusal(f"{klass}.{method} takes no self parameter")


def _decorators(node: cst.FunctionDef) -> list[str]:
    return [_decorator_name(d) for d in node.decorators]


def _decorator_name(decorator: cst.Decorator) -> str:
    expression = decorator.decorator
    return dotted(expression.func if isinstance(expression, cst.Call) else expression)


def _param_names(node: cst.FunctionDef) -> list[str]:
    params = node.params
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append(params.star_arg.name.value)
    names += [p.name.value for p in params.kwonly_params]
    if params.star_kwarg is not None:
        names.append(params.star_kwarg.name.value)
    return names


def _self_name(node: cst.FunctionDef) -> str | None:
    if "staticmethod" in _decorators(node):
        return None
    params = [*node.params.posonly_params, *node.params.params]
    return params[0].name.value if params else None


def _class_attributes(body: Sequence[cst.BaseStatement]) -> list[str]:
    names: list[str] = []
    for item in body:
        if isinstance(item, cst.SimpleStatementLine):
            for small in item.body:
                if isinstance(small, cst.Assign):
                    names += [dotted(t.target) for t in small.targets]
                elif isinstance(small, cst.AnnAssign):
                    names.append(dotted(small.target))
    return names


class _SelfAttributes(cst.CSTVisitor):
    """`self.X` reads and writes inside one method."""

    def __init__(self, self_name: str | None) -> None:
        self.self_name = self_name
        self.read: dict[str, cst.Attribute] = {}
        self.written: set[str] = set()

    def _attribute(self, node: cst.BaseExpression) -> str | None:
        if (
            self.self_name is not None
            and isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == self.self_name
        ):
            return node.attr.value
        return None

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = self._attribute(node)
        if name is not None:
            self.read.setdefault(name, node)
        return True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        name = self._attribute(node.target)
        if name is not None:
            self.written.add(name)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        name = self._attribute(node.target)
        if name is not None:
            self.written.add(name)
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        name = self._attribute(node.target)
        if name is not None:
            self.written.add(name)
        return True


def _attributes(node: cst.FunctionDef) -> _SelfAttributes:
    visitor = _SelfAttributes(_self_name(node))
    node.body.visit(visitor)
    return visitor


def _state(
    klass: str,
    moved: dict[str, cst.FunctionDef],
    staying: dict[str, cst.FunctionDef],
    class_attributes: set[str],
) -> list[str]:
    """Engine attributes the driver needs, checked for state the two would share."""
    init = staying.get("__init__")
    initialised = _attributes(init).written if init is not None else set()
    logic = {n: _attributes(d) for n, d in staying.items() if n != "__init__"}
    logic_reads = {a for found in logic.values() for a in found.read}
    logic_writes = {a for found in logic.values() for a in found.written}
    state: list[str] = []
    for method, node in moved.items():
        found = _attributes(node)
        for attribute in found.read:
            where = f"{klass}.{method} uses self.{attribute}"
            if attribute in moved:
                continue
            if attribute in staying:
                raise CodemodRefusal(
                    f"{where}, which stays in the engine: a driver must not call engine logic"
                )
            if attribute in logic_writes:
                raise CodemodRefusal(
                    f"{where}, which the engine reassigns outside __init__: "
                    "the driver would keep a stale copy"
                )
            if attribute in found.written and attribute in logic_reads:
                raise CodemodRefusal(
                    f"{where} and sets it, while the engine reads it too: "
                    "shared state cannot be split automatically"
                )
            if attribute in initialised or attribute in class_attributes:
                if attribute not in state:
                    state.append(attribute)
            elif not any(attribute in _attributes(m).written for m in moved.values()):
                raise CodemodRefusal(
                    f"{where}, which {klass} neither sets in __init__ nor defines: split it by hand"
                )
    return state


def _init_assignments(init: cst.FunctionDef | None) -> dict[str, int]:
    """Attribute -> index of the top-level `__init__` statement that first sets it."""
    found: dict[str, int] = {}
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return found
    self_name = _self_name(init)
    for index, statement in enumerate(init.body.body):
        visitor = _SelfAttributes(self_name)
        statement.visit(visitor)
        for name in visitor.written:
            found.setdefault(name, index)
    return found


def _parameter(attribute: str, taken: set[str]) -> str:
    name = attribute.lstrip("_")
    if not name or keyword.iskeyword(name) or name in taken or name == "self":
        name = attribute
    return name


def _call_arguments(node: cst.FunctionDef) -> str:
    params = node.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    if _self_name(node) is not None:
        positional = positional[1:]
    parts = positional
    if isinstance(params.star_arg, cst.Param):
        parts.append(f"*{params.star_arg.name.value}")
    parts += [f"{p.name.value}={p.name.value}" for p in params.kwonly_params]
    if params.star_kwarg is not None:
        parts.append(f"**{params.star_kwarg.name.value}")
    return ", ".join(parts)


def _is_generator(node: cst.FunctionDef) -> bool:
    class _Yields(cst.CSTVisitor):
        found = False

        def visit_Yield(self, node: cst.Yield) -> bool:
            self.found = True
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False  # a nested function's yield is its own

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    visitor = _Yields()
    node.body.visit(visitor)
    return visitor.found


def _delegate(node: cst.FunctionDef, driver_name: str) -> cst.FunctionDef:
    """`node` with the same signature, forwarding to the driver."""
    self_name = _self_name(node)
    name = node.name.value
    target = (
        f"{driver_name}.{name}" if self_name is None else (f"{self_name}.{DRIVER_ATTRIBUTE}.{name}")
    )
    decorators = [d for d in node.decorators if _decorator_name(d) in _KEPT_DECORATORS]
    if "property" in _decorators(node):
        lines = [f"return {target}"]
    else:
        call = f"{target}({_call_arguments(node)})"
        if node.asynchronous is not None and _is_generator(node):
            item = "item" if "item" not in _param_names(node) else "item_"
            lines = [f"async for {item} in {call}:", f"    yield {item}"]
        elif _is_generator(node):
            lines = [f"yield from {call}"]
        elif node.asynchronous is not None:
            lines = [f"return await {call}"]
        else:
            lines = [f"return {call}"]
    forward = cst.parse_statement("\n".join(lines) + "\n")
    statements: list[cst.BaseStatement] = []
    first = node.body.body[0] if isinstance(node.body, cst.IndentedBlock) else None
    if first is not None and is_docstring(first):
        statements.append(first)
    statements.append(forward)
    return node.with_changes(decorators=decorators, body=cst.IndentedBlock(body=statements))


class _RouteToDriver(cst.CSTTransformer):
    """`self._load(...)` -> `self._driver._load(...)` for private methods that moved."""

    def __init__(self, self_name: str | None, moved_private: set[str]) -> None:
        self.self_name = self_name
        self.moved_private = moved_private

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        if (
            self.self_name is not None
            and isinstance(updated_node.value, cst.Name)
            and updated_node.value.value == self.self_name
            and updated_node.attr.value in self.moved_private
        ):
            driver = cst.Attribute(updated_node.value, cst.Name(DRIVER_ATTRIBUTE))
            return updated_node.with_changes(value=driver)
        return updated_node


def _driver_construction(self_name: str, driver_name: str, state: list[str]) -> str:
    taken: set[str] = set()
    arguments = []
    for attribute in state:
        parameter = _parameter(attribute, taken)
        taken.add(parameter)
        arguments.append(f"{parameter}={self_name}.{attribute}")
    return f"{self_name}.{DRIVER_ATTRIBUTE} = driver or {driver_name}({', '.join(arguments)})\n"


def _driver_param(driver_name: str) -> cst.Param:
    return cst.Param(
        cst.Name("driver"),
        annotation=cst.Annotation(cst.parse_expression(f"{driver_name} | None")),
        default=cst.Name("None"),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(" "),
            whitespace_after=cst.SimpleWhitespace(" "),
        ),
    )


def _wire_init(
    klass: str,
    init: cst.FunctionDef,
    driver_name: str,
    state: list[str],
    moved: dict[str, cst.FunctionDef],
    init_attrs: dict[str, int],
) -> cst.FunctionDef:
    if not isinstance(init.body, cst.IndentedBlock):
        raise CodemodRefusal(f"{klass}.__init__ is a one-liner: split it by hand")
    self_name = _self_name(init) or "self"
    body = list(init.body.body)
    at = len(body)
    for index, statement in enumerate(body):
        used = _SelfAttributes(self_name)
        statement.visit(used)
        if set(used.read) & (set(moved) | {DRIVER_ATTRIBUTE}):
            at = index  # the driver must exist before the first call of a moved method
            break
    late = [a for a in state if a in init_attrs and init_attrs[a] >= at]
    if late:
        raise CodemodRefusal(
            f"{klass}.__init__ calls a moved method before setting {', '.join(late)}: "
            "split it by hand"
        )
    wiring = cst.parse_statement(_driver_construction(self_name, driver_name, state))
    body.insert(at, wiring)
    params = init.params
    if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.kwonly_params:
        kwonly = [*params.kwonly_params]
        if kwonly:
            kwonly[-1] = kwonly[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        params = params.with_changes(kwonly_params=[*kwonly, _driver_param(driver_name)])
    else:
        plain = [*params.params]
        if plain:
            plain[-1] = plain[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        params = params.with_changes(params=[*plain, _driver_param(driver_name)])
    if params.star_kwarg is not None:
        last_list = "kwonly_params" if params.kwonly_params else "params"
        items = list(getattr(params, last_list))
        items[-1] = items[-1].with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        params = params.with_changes(**{last_list: items})
    return init.with_changes(params=params, body=init.body.with_changes(body=body))


def _with_new_init(
    klass: cst.ClassDef,
    body: list[cst.BaseStatement],
    driver_name: str,
    state: list[str],
) -> list[cst.BaseStatement]:
    bases = [dotted(arg.value) for arg in klass.bases if arg.keyword is None]
    inherits = any(base not in ("object", "ABC", "abc.ABC") for base in bases)
    construction = _driver_construction("self", driver_name, state).strip()
    if inherits:
        text = (
            f"def __init__(self, *args, driver: {driver_name} | None = None, **kwargs) -> None:\n"
            "    super().__init__(*args, **kwargs)\n"
            f"    {construction}\n"
        )
    else:
        text = (
            f"def __init__(self, driver: {driver_name} | None = None) -> None:\n"
            f"    {construction}\n"
        )
    init = cst.parse_statement(text)
    at = next((i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef)), len(body))
    if at:
        init = statement_leading_blank(init, 1)
    if at < len(body):
        body[at] = statement_leading_blank(body[at], 1)
    body.insert(at, init)
    return body


def _driver_class(
    klass: cst.ClassDef,
    driver_name: str,
    moved: dict[str, cst.FunctionDef],
    state: list[str],
    init: cst.FunctionDef | None,
) -> tuple[cst.ClassDef, list[cst.CSTNode]]:
    """The driver class, and the annotations it copied from the engine's `__init__`."""
    annotations: list[cst.CSTNode] = []
    parameters: dict[str, cst.Param] = {}
    if init is not None:
        parameters = {p.name.value: p for p in (*init.params.params, *init.params.kwonly_params)}
    assigned_from = _assigned_from_params(init)
    lines = [f'"""Database operations of {klass.name.value} (its engine keeps the logic)."""']
    members: list[cst.BaseStatement] = []
    if state:
        taken: set[str] = set()
        signature = ["self"]
        assignments = []
        for attribute in state:
            parameter = _parameter(attribute, taken)
            taken.add(parameter)
            source = parameters.get(assigned_from.get(attribute, ""))
            if source is not None and source.annotation is not None:
                annotations.append(source.annotation)
                signature.append(f"{parameter}: {code_of(source.annotation.annotation)}")
            else:
                signature.append(parameter)
            assignments.append(f"    self.{attribute} = {parameter}")
        text = f"def __init__({', '.join(signature)}) -> None:\n" + "\n".join(assignments) + "\n"
        members.append(statement_leading_blank(cst.parse_statement(text), 1))
    for method in moved.values():
        members.append(statement_leading_blank(method, 1))
    docstring = cst.parse_statement(lines[0] + "\n")
    driver = cst.ClassDef(
        name=cst.Name(driver_name),
        body=cst.IndentedBlock(body=[docstring, *members]),
        leading_lines=[],
    )
    return driver, annotations


def _assigned_from_params(init: cst.FunctionDef | None) -> dict[str, str]:
    """Attribute -> the `__init__` parameter it is set from directly (`self.x = x`)."""
    found: dict[str, str] = {}
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return found
    self_name = _self_name(init)
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if (
                isinstance(target, cst.Attribute)
                and dotted(target.value) == self_name
                and isinstance(value, cst.Name)
            ):
                found.setdefault(target.attr.value, value.value)
    return found
