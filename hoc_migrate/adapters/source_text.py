"""Bytes on disk <-> text for the codemods, keeping the encoding, a BOM and line endings.

A file is written back in the encoding it was read in (its PEP 263 cookie, else UTF-8). What
that encoding cannot hold was brought by hoc-migrate (everything read from the file decoded
from it): a header's dashes (`# Layer: L6 — Drivers`) are then written as ASCII hyphens, which
every reader of headers accepts; anything else (a plan's note, a module name) is refused,
naming the file, the line and the character.
"""

from __future__ import annotations

import io
import tokenize

_DASHES = "\u2014\u2013"  # em dash, en dash


class UnencodableText(ValueError):
    """Text the file's encoding cannot hold; `where` names the file when it is not the one
    being transformed (a schema or driver module written beside it)."""

    def __init__(self, encoding: str, line: int, char: str, where: str | None = None) -> None:
        super().__init__(f"{encoding} cannot encode {char!r} (line {line})")
        self.encoding = encoding
        self.line = line
        self.char = char
        self.where = where


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode a Python file as the interpreter would (PEP 263 cookie, BOM); returns
    (text, encoding). Raises UnicodeDecodeError/SyntaxError for undecodable files."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if encoding == "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def encode_source(text: str, encoding: str, where: str | None = None) -> bytes:
    """`text` in `encoding`, header dashes made ASCII if the encoding has none; raises
    UnencodableText for anything else it cannot hold."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        pass
    ascii_dashes = {ord(dash): "-" for dash in _DASHES if not _holds(encoding, dash)}
    text = text.translate(ascii_dashes)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise UnencodableText(encoding, line, text[exc.start], where) from None


def _holds(encoding: str, char: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
