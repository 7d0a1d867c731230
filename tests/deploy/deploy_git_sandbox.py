"""Git sandboxes for the deploy tests: a source repository with a local bare repository as origin."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_tool

SETUP_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and completed.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {completed.stderr}")
    return completed.stdout.strip()


@pytest.fixture
def git_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No system or user git config leaks in (a fresh machine), but commits made by the tests have an author."""
    require_tool(shutil.which("git") is not None, "git is not installed")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in SETUP_IDENTITY.items():
        monkeypatch.setenv(name, value)
    return tmp_path


@dataclass(frozen=True)
class Sandbox:
    work: Path  # the user's repository, also the site project
    remote: Path  # bare repository registered as origin

    def remote_log(self, branch: str = "gh-pages") -> list[str]:
        return git(self.remote, "rev-list", branch).splitlines()

    def remote_files(self, branch: str = "gh-pages") -> list[str]:
        return git(self.remote, "ls-tree", "-r", "--name-only", branch).splitlines()

    def remote_file(self, path: str, branch: str = "gh-pages") -> str:
        return git(self.remote, "show", f"{branch}:{path}")


LISTING = """Mar 12

A Study of Tiny Archives

We build a very small archive to test publishing.

Second Paper on Deployment

Deploying static sites to a branch keeps history.
"""


@pytest.fixture
def sandbox(git_sandbox: Path) -> Sandbox:
    work = git_sandbox / "work"
    (work / "content" / "listings").mkdir(parents=True)
    (work / "sitegen.toml").write_text('title = "Tiny archive"\n')
    (work / "content" / "listings" / "tiny.txt").write_text(LISTING)
    (work / ".gitignore").write_text("/site/\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "Initial project")
    remote = git_sandbox / "remote.git"
    git(git_sandbox, "init", "-q", "--bare", "-b", "main", str(remote))
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "origin", "main")
    return Sandbox(work, remote)


def snapshot(work: Path, branch: str = "gh-pages") -> dict[str, object]:
    """Everything of the user's that a deploy must leave byte-for-byte alone."""
    dot_git = work / ".git"
    files = {
        path.relative_to(work).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(work.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(work).parts
    }
    refs = [
        line for line in git(work, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
        if not line.startswith((f"refs/heads/{branch} ", f"refs/remotes/origin/{branch} "))
    ]
    stash_log = dot_git / "logs" / "refs" / "stash"
    return {
        "index": (dot_git / "index").read_bytes(),
        "HEAD": (dot_git / "HEAD").read_bytes(),
        "files": files,
        "refs": refs,
        "stash": git(work, "stash", "list", "--format=%H %s"),
        "stash_log": stash_log.read_bytes() if stash_log.exists() else None,
        "status": git(work, "--no-optional-locks", "status", "--porcelain=v2", "--branch", "--untracked-files=all"),
    }
