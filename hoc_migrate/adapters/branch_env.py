"""What the verify command needs of the branch besides its code: its build outputs and, when
the plan changed them, its entry points.

* Build outputs: files the build writes into the package and git ignores (setuptools-scm's
  `_version.py`, compiled extensions) are in the user's checkout, not in the branch's
  worktree; they are copied over (at their moved place), so the branch imports as the
  checkout does.
* Entry points: an installed (editable) distribution's metadata names the base's modules;
  when the plan moved what they name, a `.dist-info` with the branch's entry points goes
  first on `PYTHONPATH` (`importlib.metadata` takes the first distribution of a name), and
  its console scripts first on `PATH`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from hoc_migrate.core.entry_points import EntryPoints

#: Build outputs copied, at most (each file, and all of them).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
_SKIPPED_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", ".swp")

_VERSION_PROBE = (
    "import importlib.metadata as m, json, sys\n"
    "try:\n"
    "    d = m.distribution(sys.argv[1])\n"
    "    print(json.dumps([d.metadata['Name'], d.version]))\n"
    "except m.PackageNotFoundError:\n"
    "    print('null')\n"
)


def copy_build_outputs(
    ignored: Sequence[str],
    checkout: Path,
    worktree: Path,
    packages: Sequence[str],
    folder_renames: Mapping[str, str],
) -> list[str]:
    """Copy the git-ignored files of the checkout's package folders (`packages`: repo-relative
    folders) into the worktree, each at its place after the plan's folder renames; returns
    the worktree paths written. Links and special files are never copied."""
    copied: list[str] = []
    total = 0
    for path in sorted(ignored):
        parts = path.split("/")
        if _SKIPPED_PARTS & set(parts) or path.endswith(_SKIPPED_SUFFIXES):
            continue
        if any(p.endswith(".egg-info") or p.endswith(".dist-info") for p in parts):
            continue
        if not any(path.startswith(folder + "/") for folder in packages):
            continue
        source = checkout / path
        try:
            info = source.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            continue
        if total + info.st_size > MAX_TOTAL_BYTES:
            break
        target_rel = _moved(path, folder_renames)
        target = worktree / target_rel
        if target.exists() or target.is_symlink() or not target.parent.is_dir():
            continue
        shutil.copy2(source, target, follow_symlinks=False)
        total += info.st_size
        copied.append(target_rel)
    return copied


def _moved(path: str, folder_renames: Mapping[str, str]) -> str:
    for old in sorted(folder_renames, key=len, reverse=True):
        if path.startswith(old + "/"):
            return folder_renames[old] + path[len(old) :]
    return path


def installed_distribution(
    python: str, name: str, cwd: Path, env: Mapping[str, str]
) -> tuple[str, str] | None:
    """(name, version) of the distribution `name` as `python` sees it, None when absent."""
    try:
        done = subprocess.run(
            [python, "-c", _VERSION_PROBE, name],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        data = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if isinstance(data, list) and len(data) == 2:
        return str(data[0]), str(data[1])
    return None


def write_metadata(
    folder: Path, name: str, version: str, entry_points: EntryPoints, python: str
) -> Path:
    """A `.dist-info` with the branch's entry points in `folder`, and its console scripts in
    `folder/bin`; returns the bin folder."""
    folder.mkdir(parents=True, exist_ok=True)
    normalized = re.sub(r"[-_.]+", "_", name)
    info = folder / f"{normalized}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(entry_points.to_text(), encoding="utf-8")
    (info / "INSTALLER").write_text("hoc-migrate\n", encoding="utf-8")
    bin_folder = folder / "bin"
    bin_folder.mkdir(exist_ok=True)
    for group in ("console_scripts", "gui_scripts"):
        for script, target in entry_points.groups.get(group, {}).items():
            _write_script(bin_folder / script, python, target)
    return bin_folder


def _write_script(path: Path, python: str, target: str) -> None:
    module, _, attr = target.partition(":")
    attr = attr.split("[")[0].strip() or "main"
    head, _, rest = attr.partition(".")
    call = f"{head}.{rest}" if rest else head
    path.write_text(
        f"#!{python}\nimport sys\n\nfrom {module.strip()} import {head}\n\n"
        f"if __name__ == '__main__':\n    sys.exit({call}())\n",
        encoding="utf-8",
    )
    path.chmod(0o755)


def with_metadata(env: Mapping[str, str], folder: Path, bin_folder: Path) -> dict[str, str]:
    python_path = env.get("PYTHONPATH")
    path = env.get("PATH", os.defpath)
    return {
        **env,
        "PYTHONPATH": os.pathsep.join([str(folder), *([python_path] if python_path else [])]),
        "PATH": os.pathsep.join([str(bin_folder), path]),
    }


__all__ = [
    "copy_build_outputs",
    "installed_distribution",
    "with_metadata",
    "write_metadata",
]
