"""Which code a Python environment imports: the interpreter a command runs, and where that
interpreter finds the project's top-level packages.

An editable install (`pip install -e .`) points the environment at the user's checkout;
run in a branch's worktree, a test command would then test the checkout, not the branch.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from hoc_migrate.adapters.command import PYTHON_TOKEN

# Prints, for each name, where importing it would load it from (without importing it).
_PROBE = """
import importlib.util, json, sys
found = {}
for name in sys.argv[1:]:
    try:
        spec = importlib.util.find_spec(name)
    except Exception as exc:  # a broken package: the command will tell
        found[name] = None
        continue
    if spec is None:
        found[name] = None
        continue
    places = list(spec.submodule_search_locations or [])
    if spec.origin and spec.origin not in ("namespace", "built-in", "frozen"):
        places.append(spec.origin)
    found[name] = places
print(json.dumps(found))
"""


def command_interpreter(command: tuple[str, ...] | str, cwd: Path) -> str:
    """The Python a verify command runs: `{python}`, a `python...` executable it names, the
    interpreter of a script it starts (`pytest`: its shebang), else the one running
    hoc-migrate."""
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if not words or words[0] == PYTHON_TOKEN:
        return sys.executable
    first = words[0]
    found = shutil.which(first, path=os.environ.get("PATH")) if "/" not in first else None
    path = Path(found) if found else (cwd / first if not Path(first).is_absolute() else Path(first))
    if Path(first).name.startswith("python") and path.exists():
        return str(path)
    try:
        with path.open("rb") as script:
            line = script.readline(512)
    except OSError:
        return sys.executable
    if line.startswith(b"#!"):
        interpreter = line[2:].decode("utf-8", "replace").strip().split()
        if interpreter and Path(interpreter[0]).name.startswith("python"):
            return interpreter[0]
        if len(interpreter) > 1 and Path(interpreter[0]).name == "env":
            return shutil.which(interpreter[1]) or sys.executable
    return sys.executable


def import_locations(
    python: str, names: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float = 60
) -> dict[str, list[str]] | None:
    """Where `python`, started in `cwd` with `env`, would load each name from (files and
    package folders); None when the interpreter cannot be asked."""
    if not names:
        return {}
    try:
        done = subprocess.run(
            [python, "-c", _PROBE, *names],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        data = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if not isinstance(data, dict):
        return None
    return {str(k): [str(p) for p in v] for k, v in data.items() if isinstance(v, list)}
