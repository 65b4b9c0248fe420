"""The HOC header block: the `# Layer:` comment lines at the top of a module.

Header editing is textual (it is a comment block), line by line, so every line the
caller does not ask to change stays byte-identical, line endings included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from codemods._errors import CodemodRefusal
from codemods._header_block import (
    FIELD_ORDER,
    NOTE_FIELD,
    TEMPORAL_SUBFIELDS,
    Editor,
    canonical_key,
    entry_value,
    parse_block,
)

__all__ = [
    "FIELD_ORDER",
    "HeaderSpec",
    "canonical_key",
    "read_header",
    "set_header",
    "without_split_notes",
]

#: Display names of the layers (`# Layer: L6 — Drivers`); L5 has three, the first is the default.
LAYER_DESCRIPTIONS = {
    "L2.1": "Facade",
    "L2": "Product APIs",
    "L3": "Adapters",
    "L4": "Runtime",
    "L5": "Domain Engines",
    "L6": "Drivers",
    "L7": "Models",
}
L5_DESCRIPTIONS = ("Domain Engines", "Domain Schemas", "Workers")
HYBRID_LAYER = "L5/L6"
HYBRID_DESCRIPTION = "HYBRID (pending refactor)"
DEFAULT_HYBRID_NOTE = (
    "Mixes L5 business logic with L6 database operations; split into engine + driver pending"
)
DASH = "—"

# A layer is an HOC id (`L6`, `L2.1`, `L5/L6`) or a project's own name (`services`, `shop.api`).
_LAYER_NAME = r"[A-Za-z_][\w\-]*(?:\.[\w\-]+)*"
_LAYER_VALUE_RE = re.compile(
    rf"^(?P<layer>{_LAYER_NAME}(?:/{_LAYER_NAME})?)(?:\s*[—–-]+\s*(?P<desc>.*?))?\s*$",
    re.IGNORECASE,
)
_LAYER_ARG_RE = re.compile(rf"^{_LAYER_NAME}$")
_HOC_LAYER_RE = re.compile(r"^L\d+(?:\.\d+)?(?:/L\d+(?:\.\d+)?)?$", re.IGNORECASE)


def split_layer_value(value: str) -> tuple[str, str | None]:
    """`"L6 — Drivers"` -> `("L6", "Drivers")`; a value that names no layer -> `("", value)`."""
    match = _LAYER_VALUE_RE.match(value.strip())
    if match is None:
        return "", value.strip() or None
    return layer_id(match["layer"]), (match["desc"] or None)


def layer_id(layer: str) -> str:
    """HOC ids in capitals (`l6` is L6); a project's own layer names as written."""
    return layer.upper() if _HOC_LAYER_RE.match(layer) else layer


def layer_value(layer: str, description: str | None = None) -> str:
    """The text after `# Layer: ` for `layer`, with its display name unless one is given."""
    if layer == HYBRID_LAYER:
        return f"{HYBRID_LAYER} {DASH} {description or HYBRID_DESCRIPTION}"
    if not _LAYER_ARG_RE.match(layer):
        raise CodemodRefusal(
            f"'{layer}' is not a layer (expected L2.1, L2, L3, ... L7, L5/L6 or a layer name)"
        )
    description = description or LAYER_DESCRIPTIONS.get(layer)
    if description is None:
        raise CodemodRefusal(
            f"layer {layer} has no description to write after it: give one "
            "(a step's `description:`, or `layer_descriptions` in the configuration)"
        )
    return f"{layer} {DASH} {description}"


@dataclass(frozen=True)
class HeaderSpec:
    """The header a codemod writes into a module it creates or re-layers."""

    layer: str
    layer_description: str | None = None
    audience: str | None = None
    role: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)

    def apply(self, source: str) -> str:
        return set_header(
            source,
            layer=self.layer,
            layer_description=self.layer_description,
            audience=self.audience,
            role=self.role,
            fields=self.fields,
        )


def read_header(source: str) -> dict[str, str]:
    """The header fields of `source`, canonical key -> value (`{}` when there is no block).

    `Temporal` sub-lines appear as `Trigger` / `Execution`; the HYBRID note as `NOTE`.
    A value continued on indented lines is joined with single spaces.
    """
    block = parse_block(source)
    fields: dict[str, str] = {}
    for entry in block.entries():
        fields.setdefault(entry.key, entry_value(block, entry))
    return fields


def header_layer(source: str) -> str | None:
    """The layer the header declares (`"L6"`, `"L5/L6"` for HYBRID), or None."""
    value = read_header(source).get("Layer")
    if value is None:
        return None
    return split_layer_value(value)[0] or None


def set_header(
    source: str,
    *,
    layer: str | None = None,
    layer_description: str | None = None,
    audience: str | None = None,
    role: str | None = None,
    hybrid: bool = False,
    hybrid_note: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> str:
    """`source` with its header block set to the given values; every other line unchanged.

    Only the given fields change. `layer` takes a layer id (`"L6"`); its display name
    follows (`L6 — Drivers`) unless `layer_description` is given; the line is left alone
    when the layer is already the one asked for. `hybrid=True` (or `layer="L5/L6"`)
    writes `L5/L6 — HYBRID (pending refactor)` and a `# NOTE:` line below it
    (`hybrid_note`, else the note already there, else a default); leaving HYBRID for a
    plain layer removes that note. `fields` sets any other field by name (`Callers`,
    `Reference`, `Trigger`, `Execution`, or a project-specific key). A missing block is
    created after a shebang / encoding line, before the docstring. Raises
    CodemodRefusal for an unknown layer or a block that would lack its layer.
    """
    extra = {canonical_key(key): value for key, value in (fields or {}).items()}
    if "Layer" in extra or NOTE_FIELD in extra:
        raise CodemodRefusal("set the layer and the HYBRID note with layer= / hybrid_note=")
    for key, value in (("AUDIENCE", audience), ("Role", role)):
        if value is not None:
            extra[key] = value
    layer = layer_id(layer) if layer else None
    if layer == HYBRID_LAYER:
        hybrid = True
    if hybrid and layer not in (None, HYBRID_LAYER):
        raise CodemodRefusal(f"a HYBRID header is layer {HYBRID_LAYER}, not {layer}")

    editor = Editor(source)
    current = editor.find("Layer")
    current_value = entry_value(editor.block, current) if current else None
    new_value = _new_layer_value(current_value, layer, layer_description, hybrid)

    if editor.block.start is None:
        if new_value is None:
            raise CodemodRefusal("the file has no header block: give the layer to create one")
        editor.create_block(new_value)
    if new_value is not None:
        was_hybrid = current_value is not None and split_layer_value(current_value)[0] == (
            HYBRID_LAYER
        )
        note = None
        if hybrid:
            note = hybrid_note or editor.note_after_layer() or DEFAULT_HYBRID_NOTE
        editor.set_layer(new_value, note, drop_note=was_hybrid and not hybrid)
    for key, value in extra.items():
        if key in TEMPORAL_SUBFIELDS:
            editor.set_subfield("Temporal", key, value)
        else:
            editor.set_field(key, value)
    return editor.block.render()


#: A note about the split still to do (`# Note: M25 split pending`, the HYBRID note).
_SPLIT_NOTE = re.compile(
    r"\bhybrid\b|pending refactor|\bsplit\b.*\b(?:pending|todo|to do|needed)\b"
    r"|\b(?:pending|todo)\b.*\bsplit\b",
    re.IGNORECASE,
)


def without_split_notes(source: str) -> str:
    """`source` without the header notes saying a split is pending (it is done)."""
    editor = Editor(source)
    editor.drop_notes(lambda value: _SPLIT_NOTE.search(value) is not None)
    return editor.block.render()


def _new_layer_value(
    current: str | None, layer: str | None, description: str | None, hybrid: bool
) -> str | None:
    """The new `# Layer:` value, or None to leave the line as it is."""
    current_layer, current_description = split_layer_value(current) if current else ("", None)
    if hybrid:
        if current_layer == HYBRID_LAYER and description is None:
            return current
        return layer_value(HYBRID_LAYER, description)
    if layer is None:
        if description is None:
            return None
        if not current_layer:
            raise CodemodRefusal("the header names no layer to describe: give the layer too")
        return (
            layer_value(current_layer, description)
            if current_layer != HYBRID_LAYER
            else (f"{HYBRID_LAYER} {DASH} {description}")
        )
    if layer == current_layer and description in (None, current_description):
        return current
    if layer == "L5" and description is None and current_description in L5_DESCRIPTIONS:
        description = current_description
    return layer_value(layer, description)
