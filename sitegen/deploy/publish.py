"""Commit a built site folder to a branch with git plumbing, and push it.

The site goes through a temporary index and `git --work-tree=<site> add`, so
the user's work tree, index, HEAD, current branch and stash are never read
for writing: only new objects and the target branch ref change.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import SitegenError
from .git import STAGE, Git, identity_env

NOJEKYLL = ".nojekyll"
CNAME = "CNAME"


@dataclass(frozen=True)
class SourceState:
    """The source commit the site was built from, as named in the deploy commit."""

    short_sha: str | None  # None: the repository has no commit yet
    dirty: bool
    commit_time: int | None = None  # HEAD's committer time, seconds since the epoch

    @property
    def label(self) -> str:
        base = self.short_sha or "no commit"
        return f"{base}+dirty" if self.dirty else base


@dataclass(frozen=True)
class SiteCommit:
    branch: str
    tree: str
    commit: str  # the branch tip after committing: new, or the unchanged previous tip
    previous_tip: str | None
    created: bool  # False: the site was identical to the branch tip, nothing committed


def read_source_state(git: Git, project: Path, output_dir: str) -> SourceState:
    """HEAD's short sha, and whether the project has uncommitted changes (its output folder aside)."""
    short_sha = git.output_or_none("rev-parse", "--short", "--verify", "-q", "HEAD^{commit}")
    project_spec = os.path.relpath(project.resolve(), git.top_level.resolve())
    output_spec = os.path.normpath(os.path.join(project_spec, output_dir))
    status = git.run(
        "status", "--porcelain", "--untracked-files=normal", "--",
        project_spec, f":(exclude){output_spec}",
    )
    commit_time = git.output_or_none("log", "-1", "--format=%ct", "HEAD") if short_sha else None
    return SourceState(short_sha, dirty=bool(status), commit_time=int(commit_time) if commit_time else None)


def commit_message(source: SourceState, version: str, custom: str | None = None) -> str:
    """The deploy commit message; it always names the source commit and sitegen version."""
    subject = custom.strip() if custom and custom.strip() else f"Deploy site from {source.label} with sitegen {version}"
    return f"{subject}\n\nSource-commit: {source.label}\nBuilt-with: sitegen {version}\n"


def commit_site(git: Git, site_dir: Path, *, branch: str, remote: str, message: str, cname: str = "") -> SiteCommit:
    """Commit SITE_DIR (plus .nojekyll and CNAME) as the new tip of BRANCH, keeping its history.

    SITE_DIR itself is only read. An identical tree makes no commit.
    """
    ref = _branch_ref(git, branch)
    _refuse_checked_out_branch(git, ref)
    local_tip = git.output_or_none("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
    # A fresh clone has the published branch only as a remote-tracking ref;
    # building on it keeps the history and lets the push fast-forward.
    tracking = f"refs/remotes/{remote}/{branch}"
    parent = local_tip or git.output_or_none("rev-parse", "--verify", "-q", f"{tracking}^{{commit}}")
    tree = _write_site_tree(git, site_dir, cname)
    if parent and git.run("rev-parse", f"{parent}^{{tree}}") == tree:
        if not local_tip:
            git.run("update-ref", "-m", "sitegen deploy", ref, parent, "")
        return SiteCommit(branch, tree, parent, parent, created=False)
    parent_args = ("-p", parent) if parent else ()
    commit = git.run("commit-tree", tree, *parent_args, stdin=message.encode("utf-8"), env=identity_env(git))
    # The expected old value makes a concurrent change to the branch fail instead of being overwritten.
    git.run("update-ref", "-m", "sitegen deploy", ref, commit, local_tip or "")
    return SiteCommit(branch, tree, commit, parent, created=True)


def push_branch(git: Git, *, remote: str, branch: str) -> None:
    """Push BRANCH to REMOTE (fast-forward only), explaining a rejection."""
    completed = git.try_run("push", "--porcelain", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    if completed.returncode == 0:
        return
    output = (completed.stdout + completed.stderr).decode("utf-8", "replace").strip()
    if "[rejected]" in output or "non-fast-forward" in output or "fetch first" in output:
        raise SitegenError(
            STAGE, None,
            f"push of '{branch}' to '{remote}' was rejected: the remote branch has commits this clone does not have "
            f"(someone else deployed, or it was changed on GitHub). Take the remote branch and deploy again: "
            f"`git fetch {remote} {branch} && git branch -f {branch} {remote}/{branch}`, then `sitegen deploy`.\n"
            f"git said: {output}",
        )
    raise SitegenError(
        STAGE, None,
        f"push of '{branch}' to '{remote}' failed; the site is committed on the local branch '{branch}', "
        f"so after fixing the problem run `git push {remote} {branch}` (or deploy again).\ngit said: {output}",
    )


def remote_url(git: Git, remote: str) -> str | None:
    if remote not in git.run("remote").split():
        return None
    return git.output_or_none("remote", "get-url", remote)


def require_remote(git: Git, remote: str) -> str:
    url = remote_url(git, remote)
    if url is None:
        known = git.run("remote").split()
        hint = f"known remotes: {', '.join(known)}; pass --remote NAME" if known else "this repository has no remotes"
        raise SitegenError(
            STAGE, None,
            f"no remote named '{remote}' ({hint}). Add your GitHub repository with `git remote add {remote} URL`, "
            "or use --no-push to only commit the site locally",
        )
    return url


def _write_site_tree(git: Git, site_dir: Path, cname: str) -> str:
    with tempfile.TemporaryDirectory(prefix="sitegen-deploy-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        # --force: the user's ignore rules (global excludes, info/exclude) must not drop built files.
        git_dir = git.run("rev-parse", "--absolute-git-dir")
        site = site_dir.resolve()
        git.run("--git-dir", git_dir, "--work-tree", str(site), "add", "--all", "--force", "--", ".", env=env, cwd=site)
        extras = {NOJEKYLL: b""}  # GitHub Pages would otherwise run Jekyll and hide files starting with "_"
        if cname.strip():
            extras[CNAME] = cname.strip().encode("utf-8") + b"\n"
        for name, data in extras.items():
            blob = git.run("hash-object", "-w", "--stdin", stdin=data)
            git.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        return git.run("write-tree", env=env)


def _branch_ref(git: Git, branch: str) -> str:
    ref = f"refs/heads/{branch}"
    if git.try_run("check-ref-format", ref).returncode != 0:
        raise SitegenError(STAGE, None, f"'{branch}' is not a valid branch name; pass e.g. --branch gh-pages")
    return ref


def _refuse_checked_out_branch(git: Git, ref: str) -> None:
    """Moving a branch that a work tree has checked out would leave that work tree out of step."""
    worktrees = git.run("worktree", "list", "--porcelain").splitlines()
    if f"branch {ref}" in worktrees:
        branch = ref.removeprefix("refs/heads/")
        raise SitegenError(
            STAGE, None,
            f"'{branch}' is checked out in a work tree of this repository; deploying replaces its content. "
            "Switch that work tree to your source branch (e.g. `git switch main`) or pass --branch NAME",
        )
