"""fix_header: set fields of a module's `# Layer:` header block, keeping everything else.

The planner resolves `layer: auto` / `audience: auto` from the file's folder before it
calls `set_header`; this module only takes concrete values.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext

from codemods._errors import CodemodRefusal
from codemods._header import (
    FIELD_ORDER,
    LAYER_DESCRIPTIONS,
    HeaderSpec,
    header_layer,
    layer_value,
    read_header,
    set_header,
    split_layer_value,
)

__all__ = [
    "FIELD_ORDER",
    "LAYER_DESCRIPTIONS",
    "FixHeaderCommand",
    "HeaderSpec",
    "header_layer",
    "layer_value",
    "read_header",
    "set_header",
    "split_layer_value",
]


class FixHeaderCommand(CodemodCommand):
    """`python -m libcst.tool codemod fix_header.FixHeaderCommand FILE --layer L6
    --audience CUSTOMER --role "..." [--field Callers=bridges_engine] --no-format`"""

    DESCRIPTION = "Set fields of the HOC header block (# Layer:, # AUDIENCE:, # Role: ...)."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--layer", default=None, help="L2.1, L2, L3 ... L7 or L5/L6")
        arg_parser.add_argument("--layer-description", dest="layer_description", default=None)
        arg_parser.add_argument("--audience", default=None)
        arg_parser.add_argument("--role", default=None)
        arg_parser.add_argument("--hybrid", action="store_true", default=False)
        arg_parser.add_argument("--hybrid-note", dest="hybrid_note", default=None)
        arg_parser.add_argument(
            "--field",
            dest="fields",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="any other header field, e.g. --field 'Callers=bridges_engine'",
        )

    def __init__(
        self,
        context: CodemodContext,
        layer: str | None = None,
        layer_description: str | None = None,
        audience: str | None = None,
        role: str | None = None,
        hybrid: bool = False,
        hybrid_note: str | None = None,
        fields: Mapping[str, str] | Sequence[str] | None = None,
    ) -> None:
        super().__init__(context)
        self.layer = layer
        self.layer_description = layer_description
        self.audience = audience
        self.role = role
        self.hybrid = hybrid
        self.hybrid_note = hybrid_note
        self.fields = _fields(fields)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        source = tree.code
        changed = set_header(
            source,
            layer=self.layer,
            layer_description=self.layer_description,
            audience=self.audience,
            role=self.role,
            hybrid=self.hybrid,
            hybrid_note=self.hybrid_note,
            fields=self.fields,
        )
        if changed == source:
            return tree
        return cst.parse_module(changed).with_changes(encoding=tree.encoding)


def _fields(fields: Mapping[str, str] | Sequence[str] | None) -> dict[str, str]:
    if fields is None:
        return {}
    if isinstance(fields, Mapping):
        return dict(fields)
    parsed: dict[str, str] = {}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CodemodRefusal(f"--field takes KEY=VALUE, got {item!r}")
        parsed[key.strip()] = value.strip()
    return parsed
