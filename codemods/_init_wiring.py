"""The engine class's constructor after a split: it receives its driver, or builds one.

`driver: <Name>Driver | None = None` (its protocol, with `protocol: true`) joins the parameters the way the formatter lays them
out (one line when it fits, one parameter per line with a trailing comma when the list
already was or must be), and `self._driver = driver or <Name>Driver(session=self.session)`
comes before the first statement that reaches the database.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Sequence

import libcst as cst

from codemods._errors import CodemodRefusal
from codemods._layout import DEFAULT_LINE_LENGTH, INDENT, bracketed
from codemods._module_graph import code_of, dotted, statement_leading_blank
from codemods._self_use import self_attributes, self_name

DRIVER_ATTRIBUTE = "_driver"


def init_assignments(init: cst.FunctionDef | None) -> dict[str, int]:
    """Attribute -> index of the top-level `__init__` statement that first sets it."""
    found: dict[str, int] = {}
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return found
    for index, statement in enumerate(init.body.body):
        for name in self_attributes(statement, self_name(init)).written:
            found.setdefault(name, index)
    return found


def state_parameter(attribute: str, taken: set[str]) -> str:
    name = attribute.lstrip("_")
    if not name or keyword.iskeyword(name) or name in taken or name == "self":
        name = attribute
    return name


def driver_construction(
    self_name: str,
    driver_name: str,
    state: Sequence[str],
    protocol: str | None = None,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> str:
    """`self._driver = driver or <Name>Driver(...)`, laid out for a method body (the lines
    after the first indented relative to it); annotated with the driver's `protocol` when
    there is one (the engine depends on it, the driver class is only the default)."""
    taken: set[str] = set()
    arguments = []
    for attribute in state:
        parameter = state_parameter(attribute, taken)
        taken.add(parameter)
        arguments.append(f"{parameter}={self_name}.{attribute}")
    annotation = f": {protocol}" if protocol else ""
    opening = f"{self_name}.{DRIVER_ATTRIBUTE}{annotation} = driver or {driver_name}("
    indent = INDENT * 2
    text = bracketed(indent, opening, arguments, ")", line_length=line_length)
    return "\n".join(line[len(indent) :] for line in text.split("\n")) + "\n"


def wire_init(
    klass: str,
    init: cst.FunctionDef,
    driver_name: str,
    state: Sequence[str],
    db_methods: Iterable[str],
    init_attrs: dict[str, int],
    line_length: int,
    protocol: str | None = None,
) -> cst.FunctionDef:
    if not isinstance(init.body, cst.IndentedBlock):
        raise CodemodRefusal(f"{klass}.__init__ is a one-liner: split it by hand")
    name = self_name(init) or "self"
    body = list(init.body.body)
    at = len(body)
    reached = set(db_methods) | {DRIVER_ATTRIBUTE}
    for index, statement in enumerate(body):
        if set(self_attributes(statement, name).read) & reached:
            at = index  # the driver must exist before the first call of a moved method
            break
    late = [a for a in state if a in init_attrs and init_attrs[a] >= at]
    if late:
        raise CodemodRefusal(
            f"{klass}.__init__ calls a moved method before setting {', '.join(late)}: "
            "split it by hand"
        )
    wiring = cst.parse_statement(
        driver_construction(name, driver_name, state, protocol, line_length)
    )
    body.insert(at, wiring)
    return _with_driver_param(init, protocol or driver_name, line_length).with_changes(
        body=init.body.with_changes(body=body)
    )


def _with_driver_param(
    init: cst.FunctionDef, driver_name: str, line_length: int
) -> cst.FunctionDef:
    """`init` taking `driver: <driver_name> | None = None` too, laid out like a formatter."""
    params = init.params
    new = f"driver: {driver_name} | None = None"
    if "#" in code_of(params):
        return _glued(init, driver_name)  # comments between parameters: keep them in place
    items: list[str] = [_param(p) for p in params.posonly_params]
    if params.posonly_params:
        items.append("/")
    items += [_param(p) for p in params.params]
    star = params.star_arg
    keyword_only = isinstance(star, cst.Param) or bool(params.kwonly_params)
    if isinstance(star, cst.Param):
        items.append(_param(star))
    elif isinstance(star, cst.ParamStar):
        items.append("*")
    if not keyword_only:
        items.append(new)
    items += [_param(p) for p in params.kwonly_params]
    if keyword_only:
        items.append(new)
    if params.star_kwarg is not None:
        items.append(_param(params.star_kwarg))
    returns = f" -> {code_of(init.returns.annotation)}" if init.returns is not None else ""
    header = bracketed(
        INDENT,
        "def __init__(",
        items,
        f"){returns}:",
        line_length=line_length,
        magic_comma=_has_trailing_comma(params),
    )
    text = "\n".join(line[len(INDENT) :] for line in header.split("\n"))
    parsed = cst.parse_statement(text + "\n    pass\n")
    assert isinstance(parsed, cst.FunctionDef)
    return init.with_changes(
        params=parsed.params,
        whitespace_before_params=parsed.whitespace_before_params,
        returns=parsed.returns if init.returns is not None else None,
    )


def _param(param: cst.Param) -> str:
    return code_of(
        param.with_changes(
            comma=cst.MaybeSentinel.DEFAULT, whitespace_after_param=cst.SimpleWhitespace("")
        )
    ).strip()


def _has_trailing_comma(params: cst.Parameters) -> bool:
    ordered: list[cst.Param | cst.ParamStar] = [*params.posonly_params, *params.params]
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        ordered.append(params.star_arg)
    ordered += params.kwonly_params
    if params.star_kwarg is not None:
        ordered.append(params.star_kwarg)
    if not ordered:
        return False
    last = ordered[-1]
    return isinstance(last, cst.Param) and isinstance(last.comma, cst.Comma)


def _glued(init: cst.FunctionDef, driver_name: str) -> cst.FunctionDef:
    """The driver parameter after the last one, reusing its separator (keeps comments)."""
    params = init.params
    param = cst.Param(
        cst.Name("driver"),
        annotation=cst.Annotation(cst.parse_expression(f"{driver_name} | None")),
        default=cst.Name("None"),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(" "),
            whitespace_after=cst.SimpleWhitespace(" "),
        ),
    )
    where = "kwonly_params" if params.kwonly_params or params.star_arg else "params"
    items = list(getattr(params, where))
    if items:
        last = items[-1]
        separator = (
            last.comma
            if isinstance(last.comma, cst.Comma)
            else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        param = param.with_changes(comma=last.comma)
        items[-1] = last.with_changes(comma=separator)
    items.append(param)
    return init.with_changes(params=params.with_changes(**{where: items}))


def with_new_init(
    klass: cst.ClassDef,
    body: list[cst.BaseStatement],
    driver_name: str,
    state: Sequence[str],
    line_length: int,
    protocol: str | None = None,
) -> list[cst.BaseStatement]:
    bases = [dotted(arg.value) for arg in klass.bases if arg.keyword is None]
    inherits = any(base not in ("object", "ABC", "abc.ABC") for base in bases)
    construction = driver_construction("self", driver_name, state, protocol, line_length)
    new = f"driver: {protocol or driver_name} | None = None"
    items = ["self", "*args", new, "**kwargs"] if inherits else ["self", new]
    header = bracketed(INDENT, "def __init__(", items, ") -> None:", line_length=line_length)
    lines = [line[len(INDENT) :] for line in header.split("\n")]
    if inherits:
        lines.append(f"{INDENT}super().__init__(*args, **kwargs)")
    lines += [f"{INDENT}{line}" for line in construction.rstrip("\n").split("\n")]
    init = cst.parse_statement("\n".join(lines) + "\n")
    at = next((i for i, s in enumerate(body) if isinstance(s, cst.FunctionDef)), len(body))
    if at:
        init = statement_leading_blank(init, 1)
    if at < len(body):
        body[at] = statement_leading_blank(body[at], 1)
    body.insert(at, init)
    return body


def assigned_from_params(init: cst.FunctionDef | None) -> dict[str, str]:
    """Attribute -> the `__init__` parameter it is set from directly (`self.x = x`)."""
    found: dict[str, str] = {}
    if init is None or not isinstance(init.body, cst.IndentedBlock):
        return found
    name = self_name(init)
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
                and dotted(target.value) == name
                and isinstance(value, cst.Name)
            ):
                found.setdefault(target.attr.value, value.value)
    return found
