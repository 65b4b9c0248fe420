"""The import style read from a project's configuration files, as pluggy 1.5.0 writes them."""

from __future__ import annotations

from hoc_migrate.core.style import detect_style

PLUGGY = {
    "pyproject.toml": (
        '[tool.ruff.lint]\nselect = [\n    "I",  # isort\n]\n\n[tool.ruff.lint.isort]\n'
        'force-single-line = true\nknown-local-folder = ["pluggy"]\nlines-after-imports = 2\n'
    ),
    "tox.ini": "[flake8]\nmax-line-length=99\n",
    ".pre-commit-config.yaml": (
        "repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n  hooks:\n"
        "    - id: ruff\n    - id: ruff-format\n"
    ),
}


def test_pluggy_sorts_its_own_package_as_a_local_folder_and_formats_from_pre_commit() -> None:
    style = detect_style(lambda name: PLUGGY[name].encode() if name in PLUGGY else None)
    assert (style.sorter, style.formatter, style.line_length) == ("ruff", "ruff", 99)
    assert style.describe() == [
        "imports sorted as ruff's isort rules say (pyproject.toml [tool.ruff] selects I001)",
        "files formatted with ruff format (.pre-commit-config.yaml)",
        "edited lines kept to 99 columns (flake8's max-line-length in tox.ini)",
    ]
    # Not first-party: the sorter keeps it in the section the project gave it.
    assert not style.is_first_party("pluggy")
    assert style.is_first_party("other")
