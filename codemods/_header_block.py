"""The header block's lines: where the block is, its entries, and line-level edits.

Editing is textual and line by line, so every line the caller does not ask to change
stays byte-identical, line endings included (`_header` builds on it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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

_CANONICAL = {name.lower(): name for name in (*FIELD_ORDER, *TEMPORAL_SUBFIELDS, NOTE_FIELD)}
_ENTRY_RE = re.compile(r"^#(?P<pad>[ \t]*)(?P<key>[A-Za-z][A-Za-z0-9 _/\-]*?)[ \t]*:[ \t]*")
_CODING_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_ENDING_RE = re.compile(r"\r\n|\r|\n")


def canonical_key(key: str) -> str:
    """`audience` -> `AUDIENCE`, `allowed imports` -> `Allowed Imports`; unknown keys as given."""
    normal = " ".join(key.split())
    return _CANONICAL.get(normal.lower(), normal)


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


def parse_block(source: str) -> _Block:
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


def entry_value(block: _Block, entry: _Entry) -> str:
    parts = [block.lines[entry.index].text[entry.value_start :].strip()]
    parts += [block.lines[i].text.strip("# \t") for i in entry.continuations]
    return " ".join(part for part in parts if part)


class Editor:
    def __init__(self, source: str) -> None:
        self.block = parse_block(source)

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
    def find(self, key: str, parent: str | None = None) -> _Entry | None:
        for entry in self.block.entries():
            owner = entry.parent.key if entry.parent else None
            if entry.key == key and owner == parent:
                return entry
        return None

    def set_field(self, key: str, value: str) -> None:
        entry = self.find(key)
        if entry is not None:
            if entry_value(self.block, entry) != value:
                self._replace_value(entry, value)
            return
        self._insert(self._new_field_position(key), [f"# {key}: {value}".rstrip()])

    def set_subfield(self, parent: str, key: str, value: str) -> None:
        if self.find(parent) is None:
            self.set_field(parent, "")
        entry = self.find(key, parent)
        if entry is not None:
            if entry_value(self.block, entry) != value:
                self._replace_value(entry, value)
            return
        owner = self.find(parent)
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
        layer = self.find("Layer")
        assert layer is not None
        following = self._entry_at(layer.last + 1)
        # A note elsewhere in the block (`# Note:`, any case) is the one to keep up to date.
        existing = following if following is not None and following.key == NOTE_FIELD else None
        existing = existing or self.find(NOTE_FIELD)
        if note is not None:
            if existing is not None:
                if entry_value(self.block, existing) != note:
                    self._replace_value(existing, note)
            else:
                self._insert(layer.last + 1, [f"# {NOTE_FIELD}: {note}"])
        elif drop_note and following is not None and following.key == NOTE_FIELD:
            self._delete([following.index, *following.continuations])

    def drop_notes(self, doomed: Callable[[str], bool]) -> None:
        """Remove every note (`# NOTE:`, `# Note:`, anywhere in the block) `doomed` names."""
        notes = [e for e in self.block.entries() if e.key == NOTE_FIELD and e.parent is None]
        lines = [
            index
            for entry in notes
            if doomed(entry_value(self.block, entry))
            for index in (entry.index, *entry.continuations)
        ]
        self._delete(lines)

    def note_after_layer(self) -> str | None:
        """The block's note (`# NOTE:` under the layer line, else a `# Note:` anywhere)."""
        layer = self.find("Layer")
        if layer is None:
            return None
        following = self._entry_at(layer.last + 1)
        if following is not None and following.key == NOTE_FIELD:
            return entry_value(self.block, following)
        elsewhere = self.find(NOTE_FIELD)
        return entry_value(self.block, elsewhere) if elsewhere is not None else None

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
