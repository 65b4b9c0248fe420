"""The HOC header block: the `# Layer:` comment lines at the top of a module.

Header editing is textual (it is a comment block), line by line, so every line the
caller does not ask to change stays byte-identical, line endings included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from codemods._errors import CodemodRefusal

#: Top-level fields in the order the spec shows them.
FIELD_ORDER = (
    "Layer",
    "AUDIENCE",
    "Temporal",
    "Role",
    "Callers",
    "Allowed Imports",
    "Forbidden Imports",
    "Reference",
)
#: Fields written as indented sub-lines of `# Temporal:`.
TEMPORAL_SUBFIELDS = ("Trigger", "Execution")
NOTE_FIELD = "NOTE"

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

_CANONICAL = {name.lower(): name for name in (*FIELD_ORDER, *TEMPORAL_SUBFIELDS, NOTE_FIELD)}
_ENTRY_RE = re.compile(r"^#(?P<pad>[ \t]*)(?P<key>[A-Za-z][A-Za-z0-9 _/\-]*?)[ \t]*:[ \t]*")
# A layer is an HOC id (`L6`, `L2.1`, `L5/L6`) or a project's own name (`services`, `shop.api`).
_LAYER_NAME = r"[A-Za-z_][\w\-]*(?:\.[\w\-]+)*"
_LAYER_VALUE_RE = re.compile(
    rf"^(?P<layer>{_LAYER_NAME}(?:/{_LAYER_NAME})?)(?:\s*[—–-]+\s*(?P<desc>.*?))?\s*$",
    re.IGNORECASE,
)
_LAYER_ARG_RE = re.compile(rf"^{_LAYER_NAME}$")
_HOC_LAYER_RE = re.compile(r"^L\d+(?:\.\d+)?(?:/L\d+(?:\.\d+)?)?$", re.IGNORECASE)
_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_ENDING_RE = re.compile(r"\r\n|\r|\n")


def canonical_key(key: str) -> str:
    """`audience` -> `AUDIENCE`, `allowed imports` -> `Allowed Imports`; unknown keys as given."""
    normal = " ".join(key.split())
    return _CANONICAL.get(normal.lower(), normal)


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


@dataclass
class _Line:
    text: str
    ending: str


@dataclass
class _Entry:
    key: str
    index: int  # line of `# Key: value`
    value_start: int  # column where the value starts
    last: int  # last line belonging to the entry (sub-lines, continuations)
    continuations: list[int]
    parent: _Entry | None = None


@dataclass
class _Block:
    lines: list[_Line]
    insert_at: int  # where a new block goes (after shebang / encoding line)
    start: int | None  # the header block's lines: [start, end)
    end: int | None
    newline: str
    bom: str

    def entries(self) -> list[_Entry]:
        if self.start is None or self.end is None:
            return []
        found: list[_Entry] = []
        top: _Entry | None = None
        for index in range(self.start, self.end):
            text = self.lines[index].text
            body = text[1:]
            indented = len(body) - len(body.lstrip(" \t")) >= 2
            match = _ENTRY_RE.match(text)
            key = canonical_key(match["key"]) if match else ""
            if match and not indented:
                top = _Entry(key, index, match.end(), index, [])
                found.append(top)
            elif top is None or not body.strip():
                continue
            elif match and (top.key == "Temporal" or key in TEMPORAL_SUBFIELDS):
                found.append(_Entry(key, index, match.end(), index, [], parent=top))
                top.last = index
            elif indented:
                # An indented line without a sub-field key continues the previous value.
                found[-1].continuations.append(index)
                found[-1].last = top.last = index
        return found

    def render(self) -> str:
        return self.bom + "".join(line.text + line.ending for line in self.lines)


def _parse(source: str) -> _Block:
    bom = "\ufeff" if source.startswith("\ufeff") else ""
    text = source[len(bom) :]
    lines: list[_Line] = []
    position = 0
    for match in _ENDING_RE.finditer(text):
        lines.append(_Line(text[position : match.start()], match.group()))
        position = match.end()
    if position < len(text):
        lines.append(_Line(text[position:], ""))
    first_ending = _ENDING_RE.search(text)
    newline = first_ending.group() if first_ending else "\n"

    insert_at = 0
    if lines and lines[0].text.startswith("#!"):
        insert_at = 1
    if insert_at < min(2, len(lines)) and _CODING_RE.match(lines[insert_at].text):
        insert_at += 1
    region_end = insert_at
    while region_end < len(lines) and (
        not lines[region_end].text.strip() or lines[region_end].text.lstrip().startswith("#")
    ):
        region_end += 1
    start: int | None = None
    end: int | None = None
    for index in range(insert_at, region_end):
        entry = _ENTRY_RE.match(lines[index].text)
        if entry and len(entry["pad"]) <= 1 and canonical_key(entry["key"]) in FIELD_ORDER:
            start = end = index
            while start > insert_at and lines[start - 1].text.startswith("#"):
                start -= 1
            while end < region_end and lines[end].text.startswith("#"):
                end += 1
            break
    return _Block(lines, insert_at, start, end, newline, bom)


def _entry_value(block: _Block, entry: _Entry) -> str:
    parts = [block.lines[entry.index].text[entry.value_start :].strip()]
    parts += [block.lines[i].text.strip("# \t") for i in entry.continuations]
    return " ".join(part for part in parts if part)


def read_header(source: str) -> dict[str, str]:
    """The header fields of `source`, canonical key -> value (`{}` when there is no block).

    `Temporal` sub-lines appear as `Trigger` / `Execution`; the HYBRID note as `NOTE`.
    A value continued on indented lines is joined with single spaces.
    """
    block = _parse(source)
    fields: dict[str, str] = {}
    for entry in block.entries():
        fields.setdefault(entry.key, _entry_value(block, entry))
    return fields


def header_layer(source: str) -> str | None:
    """The layer the header declares (`"L6"`, `"L5/L6"` for HYBRID), or None."""
    value = read_header(source).get("Layer")
    if value is None:
        return None
    return split_layer_value(value)[0] or None


class _Editor:
    def __init__(self, source: str) -> None:
        self.block = _parse(source)

    # --- line primitives -------------------------------------------------------------
    def _insert(self, index: int, texts: list[str]) -> None:
        lines = self.block.lines
        if index == len(lines) and lines and not lines[-1].ending:
            # Appending after a last line without a line ending: it gets one, the new last
            # line goes without (the file keeps "no newline at end of file").
            lines[-1].ending = self.block.newline
            new = [_Line(text, self.block.newline) for text in texts]
            new[-1].ending = ""
        else:
            new = [_Line(text, self.block.newline) for text in texts]
        lines[index:index] = new
        self._shift(index, len(texts))

    def _delete(self, indexes: list[int]) -> None:
        for index in sorted(indexes, reverse=True):
            removed = self.block.lines.pop(index)
            if index == len(self.block.lines) and self.block.lines and not removed.ending:
                self.block.lines[-1].ending = ""
            self._shift(index, -1)

    def _shift(self, at: int, delta: int) -> None:
        """Keep the block bounds right after inserting (delta > 0) or deleting line `at`."""
        block = self.block
        if block.start is not None and block.start > at:
            block.start += delta
        if block.end is not None and (block.end >= at if delta > 0 else block.end > at):
            block.end += delta

    def _replace_value(self, entry: _Entry, value: str) -> None:
        line = self.block.lines[entry.index]
        prefix = line.text[: entry.value_start].rstrip()
        line.text = f"{prefix} {value}" if value else prefix
        self._delete(entry.continuations)

    # --- fields ----------------------------------------------------------------------
    def _find(self, key: str, parent: str | None = None) -> _Entry | None:
        for entry in self.block.entries():
            owner = entry.parent.key if entry.parent else None
            if entry.key == key and owner == parent:
                return entry
        return None

    def set_field(self, key: str, value: str) -> None:
        entry = self._find(key)
        if entry is not None:
            if _entry_value(self.block, entry) != value:
                self._replace_value(entry, value)
            return
        self._insert(self._new_field_position(key), [f"# {key}: {value}".rstrip()])

    def set_subfield(self, parent: str, key: str, value: str) -> None:
        if self._find(parent) is None:
            self.set_field(parent, "")
        entry = self._find(key, parent)
        if entry is not None:
            if _entry_value(self.block, entry) != value:
                self._replace_value(entry, value)
            return
        owner = self._find(parent)
        assert owner is not None
        rank = _order(key, TEMPORAL_SUBFIELDS)
        preceding = [
            entry
            for entry in self.block.entries()
            if entry.parent is not None
            and entry.parent.index == owner.index
            and _order(entry.key, TEMPORAL_SUBFIELDS) <= rank
        ]
        after = preceding[-1].last if preceding else max([owner.index, *owner.continuations])
        self._insert(after + 1, [f"#   {key}: {value}"])

    def _new_field_position(self, key: str) -> int:
        tops = [entry for entry in self.block.entries() if entry.parent is None]
        rank = _order(key, FIELD_ORDER)
        before = [entry for entry in tops if _order(entry.key, FIELD_ORDER) <= rank]
        if before:
            position = max(entry.last for entry in before) + 1
            following = self._entry_at(position)
            if following is not None and following.key == NOTE_FIELD:
                position = following.last + 1  # the HYBRID note stays under its layer line
            return position
        after = [entry for entry in tops if _order(entry.key, FIELD_ORDER) > rank]
        if after:
            return min(entry.index for entry in after)
        assert self.block.end is not None
        return self.block.end

    # --- the layer line and the HYBRID note ------------------------------------------
    def set_layer(self, value: str, note: str | None, drop_note: bool) -> None:
        self.set_field("Layer", value)
        layer = self._find("Layer")
        assert layer is not None
        following = self._entry_at(layer.last + 1)
        # A note elsewhere in the block (`# Note:`, any case) is the one to keep up to date.
        existing = following if following is not None and following.key == NOTE_FIELD else None
        existing = existing or self._find(NOTE_FIELD)
        if note is not None:
            if existing is not None:
                if _entry_value(self.block, existing) != note:
                    self._replace_value(existing, note)
            else:
                self._insert(layer.last + 1, [f"# {NOTE_FIELD}: {note}"])
        elif drop_note and following is not None and following.key == NOTE_FIELD:
            self._delete([following.index, *following.continuations])

    def note_after_layer(self) -> str | None:
        """The block's note (`# NOTE:` under the layer line, else a `# Note:` anywhere)."""
        layer = self._find("Layer")
        if layer is None:
            return None
        following = self._entry_at(layer.last + 1)
        if following is not None and following.key == NOTE_FIELD:
            return _entry_value(self.block, following)
        elsewhere = self._find(NOTE_FIELD)
        return _entry_value(self.block, elsewhere) if elsewhere is not None else None

    def _entry_at(self, index: int) -> _Entry | None:
        return next((e for e in self.block.entries() if e.index == index), None)

    def create_block(self, layer_line: str) -> None:
        block = self.block
        at = block.insert_at
        following = block.lines[at] if at < len(block.lines) else None
        texts = [f"# Layer: {layer_line}"]
        if following is not None and following.text.strip():
            texts.append("")  # a blank line between the new block and what follows
        self._insert(at, texts)
        block.start, block.end = at, at + 1


def _order(key: str, order: tuple[str, ...]) -> int:
    return order.index(key) if key in order else len(order)


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

    editor = _Editor(source)
    current = editor._find("Layer")
    current_value = _entry_value(editor.block, current) if current else None
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
