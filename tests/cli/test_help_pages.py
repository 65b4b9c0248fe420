"""Help pages as users of ruff and git expect them: no type placeholders, every choice of an
enumerated option listed, defaults shown, and -q/-v/--color on every command."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from hoc_migrate.cli import app

# What typer prints for a parameter's type when nothing better is said; a flag takes no
# value and every other parameter is named by what it holds (PLAN, DIR, RULES, N).
PLACEHOLDERS = re.compile(r"<(bool|str|int|float|path|list\[\w+\])[^>]*>|\bTEXT\b|\bINTEGER\b")


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if getattr(command, "commands", None):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def help_page(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def rows(page: str) -> dict[str, str]:
    """Each option's row of a help page, continuation lines joined: '--format' -> '-f
    <text|json|sarif|github> The report's format. [default: text]'."""
    found: dict[str, str] = {}
    current = None
    for line in page.splitlines():
        cell = line.strip().strip("│").strip().removeprefix("* ").strip()
        if cell.startswith("--"):
            current, _, rest = cell.partition(" ")
            found[current] = rest
        elif current is not None and cell and not cell.startswith(("╭", "╰")):
            found[current] += " " + cell
        elif cell.startswith("╰"):
            current = None
    return {name: " ".join(text.split()) for name, text in found.items()}


def test_the_commands_are_all_found() -> None:
    assert {("check",), ("apply",), ("dry-run",), ("plan", "validate"), ("demo",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", [(), ("plan",), *COMMANDS], ids=" ".join)
def test_help_pages_show_no_type_placeholders(command: tuple[str, ...]) -> None:
    page = help_page(*command)
    assert PLACEHOLDERS.search(page) is None, page


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_takes_quiet_verbose_and_color(command: tuple[str, ...]) -> None:
    options = rows(help_page(*command))
    assert options["--quiet"].startswith("-q Print only errors and the result.")
    assert options["--verbose"].startswith("-v Also print what each stage did")
    assert options["--color"].startswith("<auto|always|never> Colour the output")
    assert options["--color"].endswith("[default: auto]")


def test_enumerated_options_list_their_choices_and_defaults() -> None:
    check = rows(help_page("check"))
    assert check["--format"] == "-f <text|json|sarif|github> The report's format. [default: text]"
    assert check["--jobs"].startswith("-j N [x>=1] ")
    assert check["--repo"].startswith("DIR ") and check["--select"].startswith("RULES ")
    assert check["--exit-zero"].startswith("Exit 0 even when errors remain")
    assert check["--statistics"].startswith("Count the findings per rule")
    dry_run = rows(help_page("dry-run"))
    assert dry_run["--format"].startswith("<text|json> ")
    assert dry_run["--format"].endswith("[default: text]")
    assert dry_run["--context"] == "-U N [x>=0] Lines of diff context. [default: 3]"
    apply = rows(help_page("apply"))
    assert apply["--commits"].startswith("<per-step|single> ")
    assert apply["--commits"].endswith("[default: per-step]")
    assert apply["--base"] == "REV The commit to start from. [default: HEAD]"
    assert apply["--branch"] == "NAME The branch to create. [required]"
    assert rows(help_page("pr"))["--split-by"].startswith("<domain|folder> ")


def unboxed(text: str) -> str:
    """An error message as one line of words (typer draws a box around it)."""
    return " ".join(text.replace("│", " ").split())


def test_a_value_outside_the_choices_is_refused_with_them_listed() -> None:
    result = CliRunner().invoke(app, ["check", "--format", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json', 'sarif', 'github'" in unboxed(result.output)


def test_quiet_and_verbose_together_are_refused() -> None:
    result = CliRunner().invoke(app, ["plan", "schema", "-q", "-v"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Invalid value for '-q' / '-v': give one of them, not both" in unboxed(result.output)
