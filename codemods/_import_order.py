"""The imports of a split's modules in their sorted sections, as isort and ruff's isort rules
order them (black profile: the defaults of both for a black/ruff-formatted project).

A split adds imports where the import block ends; sorting puts each in its section
(`__future__`, standard library, third party, first party, relative) and its place there.
A module that was not sorted that way before is left as edited: sorting it would mix
unrelated changes into the split (the planner applies the project's own configured style
afterwards either way).
"""

from __future__ import annotations

from collections.abc import Sequence

import isort


def sort_imports(
    text: str, *, before: str | None, first_party: Sequence[str], line_length: int
) -> str:
    """`text` with its imports sorted; `before`: the module before the edit (None: new)."""
    config = isort.Config(
        profile="black",
        line_length=line_length,
        known_first_party=sorted(set(first_party)),
        src_paths=(),  # first party is what we are told, not what the working folder holds
        quiet=True,
    )
    try:
        if before is not None and not isort.check_code(before, config=config):
            return text
        return isort.code(text, config=config)
    except isort.exceptions.ISortError:
        return text  # isort cannot read it: the edit stays as it is
