"""A thin, explicit wrapper around the git command line.

Deploying only ever reads the user's repository or adds objects and the
target branch to it, so every call goes through here with settings that
keep the user's own configuration (line-ending conversion, fsmonitor,
sparse checkout) from changing what gets committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import SitegenError

STAGE = "deploy"

# The site tree must hold the built bytes exactly, whatever the user's git
# settings would do to a normal checkout.
_NEUTRAL_SETTINGS = (
    # `git status` would otherwise refresh and rewrite the user's .git/index.
    "--no-optional-locks",
    "-c", "core.autocrlf=false",
    "-c", "core.safecrlf=false",
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "core.sparseCheckout=false",
)

FALLBACK_NAME = "sitegen"
FALLBACK_EMAIL = "sitegen@localhost"


@dataclass(frozen=True)
class Git:
    """Runs git inside one repository (its top-level work tree)."""

    top_level: Path

    def run(
        self, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None, cwd: Path | None = None
    ) -> str:
        """Run git and return stdout; a failure becomes a SitegenError carrying git's own words."""
        completed = self.try_run(*args, env=env, stdin=stdin, cwd=cwd)
        if completed.returncode != 0:
            raise SitegenError(STAGE, None, f"`git {' '.join(args)}` failed: {_output(completed)}")
        return completed.stdout.decode("utf-8", "replace").strip()

    def try_run(
        self, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            ["git", *_NEUTRAL_SETTINGS, *args],
            cwd=cwd or self.top_level,
            env=full_env,
            input=stdin,
            capture_output=True,
            check=False,
        )

    def output_or_none(self, *args: str) -> str | None:
        completed = self.try_run(*args)
        if completed.returncode != 0:
            return None
        return completed.stdout.decode("utf-8", "replace").strip() or None


def open_repository(path: Path) -> Git:
    """The repository holding PATH, or a clear error when there is none."""
    if shutil.which("git") is None:
        raise SitegenError(STAGE, None, "git is not installed; install git (e.g. `apt-get install git`) and try again")
    completed = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, check=False
    )
    top_level = completed.stdout.decode("utf-8", "replace").strip()
    if completed.returncode != 0 or not top_level:
        raise SitegenError(
            STAGE, None,
            f"{path} is not inside a git repository (or is inside .git); deploying commits the site to a branch "
            "of your repository: run `git init`, commit your project and add your GitHub repository with "
            "`git remote add origin URL`",
        )
    return Git(Path(top_level))


def identity_env(git: Git) -> dict[str, str]:
    """Author/committer variables for the deploy commit when the user has configured none.

    A fresh machine or CI runner often has no user.name/user.email; the deploy
    must still work there, so a plain sitegen identity fills the gap.
    """
    env: dict[str, str] = {}
    name = git.output_or_none("config", "--get", "user.name")
    email = git.output_or_none("config", "--get", "user.email") or os.environ.get("EMAIL")
    for role in ("AUTHOR", "COMMITTER"):
        if not name and not os.environ.get(f"GIT_{role}_NAME"):
            env[f"GIT_{role}_NAME"] = FALLBACK_NAME
        if not email and not os.environ.get(f"GIT_{role}_EMAIL"):
            env[f"GIT_{role}_EMAIL"] = FALLBACK_EMAIL
    return env


def _output(completed: subprocess.CompletedProcess[bytes]) -> str:
    text = (completed.stderr or completed.stdout).decode("utf-8", "replace").strip()
    return text or f"exit status {completed.returncode}"
