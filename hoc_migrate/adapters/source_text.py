"""Bytes on disk <-> text for the codemods, keeping the encoding, a BOM and line endings."""

from __future__ import annotations

import io
import tokenize


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode a Python file as the interpreter would (PEP 263 cookie, BOM); returns
    (text, encoding). Raises UnicodeDecodeError/SyntaxError for undecodable files."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if encoding == "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def encode_source(text: str, encoding: str) -> bytes:
    return text.encode(encoding)
