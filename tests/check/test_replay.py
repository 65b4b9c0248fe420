"""Replayed `check` commands: an identical command over an unchanged tree prints what the
last one printed, without checking (or importing the checker); any change is checked again.

The commands run through `main`, as the console script does, with their real file
descriptors captured. Files here are fresh, so the racy windows are set to 0 and each write
gets its own mtime in the past (see test_warm_runs.py for why)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hoc_migrate.adapters.check_cache as check_cache
import hoc_migrate.adapters.check_replay as check_replay
from hoc_migrate.cli import main
from tests.check.support import HOC
from tests.conftest import git, state_dir

ENGINE = "# Layer: L5 — Domain Engines\n"
PYPROJECT = '[tool.hoc-migrate]\nsource_roots = ["backend"]\n'
FILES = {
    f"{HOC}/engines/pricing.py": ENGINE + "import sqlalchemy\n",
    f"{HOC}/engines/rates.py": ENGINE + "RATE = 1\n",
    f"{HOC}/drivers/store.py": "# Layer: L6 — Drivers\nimport sqlalchemy\n",
}
Outcome = tuple[int, str, str]


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_600_000_000
        git(root, "init", "-q")
        self.write("pyproject.toml", PYPROJECT)
        for path, text in FILES.items():
            self.write(path, text)

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.clock += 10
        os.utime(target, ns=(self.clock * 10**9, self.clock * 10**9))

    def stored_results(self) -> list[Path]:
        return sorted((state_dir(self.root) / "cache").glob("result-*"))

    def forget_stored_results(self) -> None:
        for path in (state_dir(self.root) / "cache").glob("[rf][ea][sc]*-*.marshal"):
            if not path.name.startswith("replay-"):
                path.unlink()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.setattr(check_cache, "RACY_NS", 0)
    monkeypatch.chdir(tmp_path)
    return Repo(tmp_path)


def run(capfd: pytest.CaptureFixture[str], *args: str) -> Outcome:
    capfd.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["check", *args])
    captured = capfd.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def recorded(repo: Repo, capfd: pytest.CaptureFixture[str], *args: str) -> Outcome:
    """Run twice: a cold check, then the stored result, which records the replay."""
    cold = run(capfd, *args)
    stored = run(capfd, *args)
    assert stored[0] == cold[0] and stored[1] == cold[1]
    assert "(0 parsed, 3 from cache" in stored[2]
    return stored


def test_an_unchanged_tree_replays_the_last_output_byte_for_byte(
    repo: Repo, capfd: pytest.CaptureFixture[str]
) -> None:
    stored = recorded(repo, capfd, "-f", "json")
    repo.forget_stored_results()  # a run that checks would have to parse, and store again

    replayed = run(capfd, "-f", "json")

    assert replayed == stored
    assert replayed[0] == 1 and '"rule": "SQLALCHEMY_RUNTIME"' in replayed[1]
    assert repo.stored_results() == []  # nothing was checked


def test_a_changed_file_is_checked_again(repo: Repo, capfd: pytest.CaptureFixture[str]) -> None:
    before = recorded(repo, capfd)
    repo.write(f"{HOC}/engines/pricing.py", ENGINE + "RATE = 2\n")  # the violation is fixed

    after = run(capfd)

    assert (before[0], after[0]) == (1, 0)
    assert "engines/pricing.py" in before[1] and "engines/pricing.py" not in after[1]
    assert "(1 parsed, 2 from cache" in after[2]


def test_a_new_file_is_checked_again(repo: Repo, capfd: pytest.CaptureFixture[str]) -> None:
    recorded(repo, capfd)
    repo.write(f"{HOC}/engines/quotes.py", ENGINE + "import sqlalchemy\n")
    assert "engines/quotes.py" in run(capfd)[1]


def test_a_changed_configuration_is_checked_again(
    repo: Repo, capfd: pytest.CaptureFixture[str]
) -> None:
    before = recorded(repo, capfd)
    repo.write("pyproject.toml", PYPROJECT + 'severity = {SQLALCHEMY_RUNTIME = "off"}\n')
    after = run(capfd)
    assert (before[0], after[0]) == (1, 0), after[2]
    assert "SQLALCHEMY_RUNTIME" in before[1] and "SQLALCHEMY_RUNTIME" not in after[1]


def test_a_configuration_file_closer_to_the_code_is_checked_again(
    repo: Repo, capfd: pytest.CaptureFixture[str]
) -> None:
    before = recorded(repo, capfd, HOC)
    repo.write(f"{HOC}/hoc-migrate.toml", 'severity = {SQLALCHEMY_RUNTIME = "off"}\n')
    after = run(capfd, HOC)
    assert (before[0], after[0]) == (1, 0), after[2]


def test_other_options_another_day_or_no_cache_are_not_replayed(
    repo: Repo, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded(repo, capfd)
    repo.forget_stored_results()
    assert "(3 parsed" in run(capfd, "--select", "SQLALCHEMY_RUNTIME")[2]
    assert "(3 parsed" in run(capfd, "--no-cache")[2]
    repo.forget_stored_results()
    monkeypatch.setattr(check_replay, "_today", lambda: "2099-12-31")  # debt may expire
    assert "(3 parsed" in run(capfd)[2]


def test_an_error_is_never_recorded(repo: Repo, capfd: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        code, _, err = run(capfd, "--select", "NO_SUCH_RULE")
        assert code == 2 and "unknown rule" in err
    assert not list((state_dir(repo.root) / "cache").glob("replay-*"))


def test_each_set_of_options_replays_its_own_output(
    repo: Repo, capfd: pytest.CaptureFixture[str]
) -> None:
    plain = recorded(repo, capfd)
    statistics = recorded(repo, capfd, "--statistics")
    exit_zero = recorded(repo, capfd, "--exit-zero")
    repo.forget_stored_results()  # from here on, a run that checks would have to parse

    assert run(capfd, "--statistics") == statistics
    assert run(capfd, "--exit-zero") == exit_zero
    assert run(capfd) == plain
    assert statistics[1].splitlines()[0].split("\t")[:3] == ["1", "SQLALCHEMY_RUNTIME", "error"]
    assert (exit_zero[0], plain[0]) == (0, 1) and exit_zero[1] == plain[1]
    assert repo.stored_results() == []


def test_quiet_replays_its_silence(repo: Repo, capfd: pytest.CaptureFixture[str]) -> None:
    run(capfd, "-q")
    stored = run(capfd, "-q")  # the stored result: records the replay
    repo.forget_stored_results()
    assert run(capfd, "-q") == stored == (1, stored[1], "")
    assert repo.stored_results() == []


def test_verbose_is_never_replayed(repo: Repo, capfd: pytest.CaptureFixture[str]) -> None:
    recorded(repo, capfd)
    for _ in range(2):
        code, _, err = run(capfd, "-v")
        assert code == 1
        assert err.startswith("the stored result of the last check (no file changed)\n")
        assert "configuration: pyproject.toml\n" in err
    replays = list((state_dir(repo.root) / "cache").glob("replay-*"))
    assert len(replays) == 1  # the plain command's; none for -v


@pytest.mark.parametrize(
    ("argv", "verbose"),
    [
        (["-v"], True),
        (["--verbose"], True),
        (["-qv"], True),
        (["-f", "json", "-v"], True),
        (["-j4", "-o", "verbose.json"], False),
        (["--", "-v"], False),
        (["--statistics"], False),
    ],
)
def test_what_counts_as_verbose(argv: list[str], verbose: bool) -> None:
    assert check_replay._verbose(["check", *argv]) is verbose
