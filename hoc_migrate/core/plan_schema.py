"""The JSON Schema of the plan format: one source of truth for validation and for editors."""

from __future__ import annotations

from typing import Any

MODULE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
# `auto`, a HOC layer (L2.1, L6) or a project's own layer name; `plan validate` checks that
# it is a layer of the project.
LAYER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$"

_path = {"type": "string", "minLength": 1, "description": "Path relative to the repository root"}
_module = {
    "type": "string",
    "pattern": MODULE_PATTERN,
    "description": "Dotted module name",
    "x-message": "is not a dotted module name (like app.services.connectors)",
}
_docs = {
    "type": "boolean",
    "description": "Also rewrite the exact dotted name in comments and docstrings of Python "
    "files (as rope's docs=True); default false: they are listed to review",
}
_why = {"type": "string", "description": "Why this step exists; shown in the PR description"}
_names = {
    "oneOf": [
        {
            "type": "array",
            "items": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
            "minItems": 1,
            "uniqueItems": True,
        },
        {"enum": ["all_dataclasses", "all_enums"]},
    ]
}


def _step(kind: str, properties: dict[str, Any], required: list[str], doc: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": doc,
        "additionalProperties": False,
        "required": [kind],
        "properties": {
            kind: {
                "type": "object",
                "additionalProperties": False,
                "required": required,
                "properties": {**properties, "why": _why},
            }
        },
    }


STEP_SCHEMAS: dict[str, dict[str, Any]] = {
    "move": _step(
        "move",
        {
            "from": _path,
            "to": _path,
            "shim": {
                "type": "boolean",
                "description": "Leave a re-exporting module at the old path",
            },
            "fix_header": {
                "type": "boolean",
                "description": "Update the header when the layer or audience changes (default true)",
            },
            "docs": _docs,
        },
        ["from", "to"],
        "Move a module or a package and rewrite every reference to it.",
    ),
    "rewrite_import": _step(
        "rewrite_import",
        {
            "from": _module,
            "to": _module,
            "names": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "uniqueItems": True,
            },
            "docs": _docs,
        },
        ["from", "to"],
        "Rewrite references from one module path to another without moving files.",
    ),
    "fix_header": _step(
        "fix_header",
        {
            "path": _path,
            "layer": {
                "type": "string",
                "pattern": LAYER_PATTERN,
                "x-message": "is not a layer name (L2, L2.1, ... L7, a layer of the project, or auto)",
            },
            "description": {"type": "string", "description": "Text after the layer: 'L6 — <this>'"},
            "audience": {"enum": ["auto", "CUSTOMER", "FOUNDER", "INTERNAL"]},
            "role": {"type": "string"},
            "hybrid": {"type": "boolean", "description": "Write the L5/L6 — HYBRID form"},
            "note": {"type": "string", "description": "Note line of a HYBRID header"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ["path"],
        "Set fields of the header block of one file or a glob of files.",
    ),
    "extract_schema": _step(
        "extract_schema",
        {
            "from": _path,
            "to": _path,
            "names": _names,
            "reexport": {"type": "boolean"},
            "role": {"type": "string"},
        },
        ["from", "to", "names"],
        "Move dataclasses, enums and other definitions into a schema module.",
    ),
    "split_hybrid": _step(
        "split_hybrid",
        {
            "path": _path,
            "driver": _path,
            "engine": _path,
            "names": {
                "oneOf": [
                    {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    {"const": "auto"},
                ]
            },
            "partial": {"type": "boolean"},
            "note": {"type": "string"},
            "protocol": {"type": "boolean"},
        },
        ["path", "driver"],
        "Split a HYBRID module into an L5 engine and an L6 driver.",
    ),
}

STEP_KINDS: tuple[str, ...] = tuple(STEP_SCHEMAS)

PLAN_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://hoc-migrate.dev/schemas/plan.json",
    "title": "hoc-migrate plan",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "steps"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "source_roots": {"type": "array", "items": _path, "minItems": 1},
        "scope": {
            "type": "array",
            "items": _path,
            "minItems": 1,
            "description": "Folders whose layer findings the plan answers for",
        },
        "steps": {
            "type": "array",
            "minItems": 1,
            "items": {"oneOf": [STEP_SCHEMAS[k] for k in STEP_KINDS]},
        },
        "verify": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "layer_check": {"type": "boolean"},
                "compile": {"type": "boolean"},
                "imports_resolve": {"type": "boolean"},
                "command": {
                    "description": "The project's checks, run on the branch (this runs "
                    "code): a list (argv) or a shell line; `auto` (the default) runs "
                    "`{python} -m pytest -q` when the project configures pytest; `none` "
                    "runs nothing",
                    "oneOf": [
                        {"type": "string", "minLength": 1},
                        {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    ],
                },
                "baseline": {
                    "oneOf": [{"type": "boolean"}, {"enum": ["auto"]}],
                    "description": "Run the command on the base too (its result kept per "
                    "commit) and fail only on what the change broke (test ids compared, "
                    "pytest's JUnit report): `auto` (the default) when the branch's run "
                    "fails, `true` always, `false` never",
                },
                "command_cwd": _path,
                "timeout": {"type": "number", "exclusiveMinimum": 0},
                "expect": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "errors": {"type": "integer", "minimum": 0},
                        "by_rule": {
                            "type": "object",
                            "additionalProperties": {"type": "integer", "minimum": 0},
                        },
                        "path": _path,
                    },
                },
            },
        },
        "debt": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "rules", "reason"],
                "properties": {
                    "path": _path,
                    "rules": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "reason": {"type": "string", "minLength": 1},
                    "ticket": {"type": "string"},
                    "milestone": {"type": "string"},
                    "expires": {"type": "string", "format": "date"},
                },
            },
        },
    },
}
