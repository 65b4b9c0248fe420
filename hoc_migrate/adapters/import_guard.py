"""Keep the verify command on the branch's code: a `sitecustomize` first on `PYTHONPATH`.

Putting the worktree first on `PYTHONPATH` wins for top-level packages, but not against an
editable install's import hook: setuptools' `__editable___*_finder` (flat layouts) sits on
`sys.meta_path` and serves any submodule the worktree lacks (a module the plan moved away)
from the user's checkout, so a broken move would pass. The guard runs after the `.pth`
files (Python imports `sitecustomize` last) and puts a finder first that, for the project's
packages, returns only what lies in the worktree: a module found only elsewhere is not
found, as on a clean install of the branch. Then it runs the `sitecustomize` it shadows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT_VARIABLE = "HOC_MIGRATE_BRANCH_ROOT"
PACKAGES_VARIABLE = "HOC_MIGRATE_BRANCH_PACKAGES"

_GUARD = '''\
"""Written by hoc-migrate for one verify run: the project's packages import from the branch
only (an editable install of the checkout is shadowed). Runs the sitecustomize it hides."""

import os
import sys


def _install():
    root = os.path.realpath(os.environ.get("HOC_MIGRATE_BRANCH_ROOT", ""))
    names = set(filter(None, os.environ.get("HOC_MIGRATE_BRANCH_PACKAGES", "").split(",")))
    if not os.path.isdir(root) or not names:
        return

    def inside(spec):
        places = list(spec.submodule_search_locations or [])
        if spec.origin and spec.origin not in ("namespace", "built-in", "frozen"):
            places.append(spec.origin)
        return not places or any(
            os.path.realpath(p).startswith(root + os.sep) for p in places
        )

    class BranchOnly:
        """The first spec of the project's modules that lies in the branch's worktree."""

        def find_spec(self, fullname, path=None, target=None):
            if fullname.partition(".")[0] not in names:
                return None
            elsewhere = None
            finders = list(sys.meta_path)
            # Those before this one already said no (pytest's rewriter comes first).
            for finder in finders[finders.index(self) + 1 :] if self in finders else finders:
                find = getattr(finder, "find_spec", None)
                if find is None:
                    continue
                spec = find(fullname, path, target)
                if spec is None:
                    continue
                if inside(spec):
                    return spec
                elsewhere = elsewhere or spec
            if elsewhere is not None:
                raise ModuleNotFoundError(
                    f"No module named {fullname!r} (hoc-migrate: only outside the branch, "
                    f"at {elsewhere.origin})",
                    name=fullname,
                )
            return None

    sys.meta_path.insert(0, BranchOnly())


def _chain():
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.realpath(__file__))
    rest = [p for p in sys.path if os.path.realpath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


_install()
_chain()
'''


def write_guard(folder: Path) -> Path:
    """Write the guard into `folder` (created); returns the folder to put on PYTHONPATH."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    return folder


def guarded_env(
    env: Mapping[str, str], folder: Path, worktree: Path, packages: Sequence[str]
) -> dict[str, str]:
    """`env` with the guard of `folder` first on PYTHONPATH, protecting `packages` (the
    project's top-level names) for `worktree`."""
    current = env.get("PYTHONPATH")
    return {
        **env,
        "PYTHONPATH": os.pathsep.join([str(folder), *([current] if current else [])]),
        ROOT_VARIABLE: str(worktree.resolve()),
        PACKAGES_VARIABLE: ",".join(sorted(set(packages))),
    }


__all__ = ["guarded_env", "write_guard"]
