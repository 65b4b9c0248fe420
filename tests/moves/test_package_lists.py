"""Explicit `packages` lists lose a package a step leaves no `__init__.py` for, in the
file's own layout: before and after, for each way the lists are written."""

from __future__ import annotations

import pytest

from hoc_migrate.adapters.config_refs import ConfigRenames, rewrite_config

GONE = ConfigRenames({}, {}, gone_packages=("tool.commands",))


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (
            "setup.cfg",
            "[options]\npackages =\n\ttool\n\ttool.commands\nzip_safe = false\n",
            "[options]\npackages =\n\ttool\nzip_safe = false\n",
        ),
        (
            "setup.cfg",
            "[options]\npackages = tool, tool.commands\n",
            "[options]\npackages = tool\n",
        ),
        (
            "setup.cfg",
            "[options]\npackages = tool.commands, tool\n",
            "[options]\npackages = tool\n",
        ),
        (
            "pyproject.toml",
            '[tool.setuptools]\npackages = ["tool", "tool.commands"]\n',
            '[tool.setuptools]\npackages = ["tool"]\n',
        ),
        (
            "setup.py",
            "setup(\n    packages=[\n        'tool',\n        'tool.commands',\n    ],\n)\n",
            "setup(\n    packages=[\n        'tool',\n    ],\n)\n",
        ),
        (
            "setup.py",
            "setup(\n    packages=[\n        'tool',\n        'tool.commands',  # the CLI\n    ],\n)\n",
            "setup(\n    packages=[\n        'tool',\n    ],\n)\n",
        ),
        ("setup.py", "setup(packages=['tool', 'tool.commands'])\n", "setup(packages=['tool'])\n"),
        ("setup.py", "setup(packages=['tool.commands', 'tool'])\n", "setup(packages=['tool'])\n"),
        ("setup.py", "setup(packages=['tool.commands'])\n", "setup(packages=[])\n"),
    ],
)
def test_a_package_that_is_gone_leaves_the_list(path: str, before: str, after: str) -> None:
    assert rewrite_config(path, before.encode(), GONE).decode() == after


def test_a_package_renamed_to_what_is_now_a_module_leaves_the_list() -> None:
    # `tool/commands/__init__.py` moved to `tool/cmd.py`: the entry follows, then goes.
    renames = ConfigRenames({"tool.commands": "tool.cmd"}, {}, gone_packages=("tool.cmd",))
    before = "[options]\npackages =\n    tool\n    tool.commands\n"
    assert (
        rewrite_config("setup.cfg", before.encode(), renames)
        == b"[options]\npackages =\n    tool\n"
    )


NEW = ConfigRenames({}, {}, new_packages=("toolz._internal",))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # toolz 0.12's setup.py: one a line, the bracket closing on the last one's line
            "setup(packages=['toolz',\n                'toolz.curried',\n                'tlz'])\n",
            "setup(packages=['toolz',\n                'toolz.curried',\n                'tlz',\n"
            "                'toolz._internal'])\n",
        ),
        (
            "setup(\n    packages=[\n        'toolz',\n        'tlz',\n    ],\n)\n",
            "setup(\n    packages=[\n        'toolz',\n        'tlz',\n        'toolz._internal',\n"
            "    ],\n)\n",
        ),
        (
            "setup(packages=['toolz', 'tlz'])\n",
            "setup(packages=['toolz', 'tlz', 'toolz._internal'])\n",
        ),
    ],
)
def test_a_new_package_joins_the_list_laid_out_as_it_is(before: str, after: str) -> None:
    assert rewrite_config("setup.py", before.encode(), NEW).decode() == after
