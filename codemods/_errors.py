"""The one exception a codemod raises when it will not perform a step."""

from __future__ import annotations


class CodemodRefusal(Exception):
    """A step the codemod refuses to perform; the message says why and names the culprit."""
