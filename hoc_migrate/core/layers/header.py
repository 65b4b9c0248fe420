"""The header block (`# Layer: L6 — Drivers`, `# AUDIENCE: CUSTOMER`, ...) read from text.

Only the leading comment block counts: `#` lines (and blank lines) at the very top of the
file, within the first 50 lines. A `# Layer:` line inside a docstring is not a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_LINES = 50

# Column 0, case-insensitive: `# Layer: L5`, `#layer: l2.1 — Facade`, `# Layer: L5/L6 — HYBRID`,
# and a project's own names: `# Layer: services — Business rules`.
_NAME = r"[A-Za-z_][\w\-]*(?:\.[\w\-]+)*"
_LAYER_RE = re.compile(
    rf"#[ \t]*layer[ \t]*:[ \t]*(?P<first>{_NAME})"
    rf"(?P<more>(?:[ \t]*/[ \t]*{_NAME})*)(?P<rest>.*)$",
    re.IGNORECASE,
)
_HOC_LAYER_RE = re.compile(r"L\d+(?:\.\d+)?", re.IGNORECASE)


def _layer_name(text: str) -> str:
    """HOC layer names in capitals (`l5` is L5); a project's own names as written."""
    return text.upper() if _HOC_LAYER_RE.fullmatch(text) else text


_FIELD_RE = re.compile(
    r"#(?P<pad>[ \t]*)(?P<key>[A-Za-z][A-Za-z0-9 _/\-]*?)[ \t]*:[ \t]*(?P<value>.*)$"
)
_DESCRIPTION_RE = re.compile(r"^[\s—–-]+")


@dataclass(frozen=True)
class Header:
    """What a file's header declares. `layer` is the layer it is checked as (the first one
    of a hybrid `L5/L6`); `layers` are all the declared layers."""

    layer: str | None = None
    layers: tuple[str, ...] = ()
    hybrid: bool = False
    layer_line: int = 0  # 1-based; 0 when there is no `# Layer:` line
    description: str = ""
    audience: str | None = None
    audience_line: int = 0
    fields: tuple[tuple[str, str], ...] = ()  # top-level `Key: value` lines, in order

    def field(self, name: str) -> str | None:
        lower = name.lower()
        return next((value for key, value in self.fields if key.lower() == lower), None)


NO_HEADER = Header()


def header_lines(text: str) -> list[str]:
    """The leading comment block's lines (blank lines kept, so indexes are line numbers - 1)."""
    out: list[str] = []
    for line in _first_lines(text, HEADER_LINES):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        out.append(line)
    return out


def _first_lines(text: str, count: int) -> list[str]:
    # Not text.splitlines(): that would split a 5,000-line module to read 50 lines.
    lines: list[str] = []
    start = 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        lines.append(text[start:end].rstrip("\r"))
        start = end + 1
    return lines


def parse_header(text: str) -> Header:
    layer: str | None = None
    layers: tuple[str, ...] = ()
    hybrid = False
    layer_line = 0
    description = ""
    audience: str | None = None
    audience_line = 0
    fields: list[tuple[str, str]] = []
    for index, line in enumerate(header_lines(text)):
        if not line.startswith("#"):
            continue
        if layer_line == 0:
            match = _LAYER_RE.match(line)
            if match is not None:
                more = [m.strip() for m in match["more"].split("/") if m.strip()]
                layers = tuple(_layer_name(x) for x in (match["first"], *more))
                layer = layers[0]
                rest = match["rest"].strip()
                hybrid = len(layers) > 1 or "HYBRID" in rest.upper()
                description = _DESCRIPTION_RE.sub("", rest).strip()
                layer_line = index + 1
        field = _FIELD_RE.match(line)
        if field is None or len(field["pad"].expandtabs()) > 1:
            continue  # indented lines are sub-fields (`#   Trigger: api`)
        key = " ".join(field["key"].split())
        value = field["value"].strip()
        fields.append((key, value))
        if key.lower() == "audience" and audience_line == 0:
            audience = value
            audience_line = index + 1
    if not fields and layer_line == 0:
        return NO_HEADER
    return Header(
        layer=layer,
        layers=layers,
        hybrid=hybrid,
        layer_line=layer_line,
        description=description,
        audience=audience,
        audience_line=audience_line,
        fields=tuple(fields),
    )
