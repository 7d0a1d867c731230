"""`sitegen deploy` as a function: build for production into a scratch folder, commit, push."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..config import SiteConfig
from ..errors import SitegenError
from .base_url import BaseUrlChoice, choose_base_url
from .git import STAGE, open_repository
from .publish import (
    SiteCommit,
    SourceState,
    commit_message,
    commit_site,
    push_branch,
    read_source_state,
    remote_url,
    require_remote,
)

# (output folder, base_url, source commit time or None) -> anything; must raise (SitegenError,
# BuildFailed) when the build fails. The commit time dates the feed, so a redeploy of the same
# commit publishes the same bytes.
BuildSite = Callable[[Path, str, "int | None"], object]

# GitHub publishes a Pages site of at most 1 GB (docs.github.com: "GitHub Pages limits"); a larger
# one fails to deploy, and once committed it stays in the branch's history for good.
GITHUB_PAGES_MAX_BYTES = 1 << 30
GITHUB_PAGES_LIMITS = "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits"


@dataclass(frozen=True)
class DeployOptions:
    remote: str = "origin"
    branch: str = "gh-pages"
    message: str | None = None
    push: bool = True
    base_url: str | None = None  # --base-url; None = configured or derived
    max_site_bytes: int | None = GITHUB_PAGES_MAX_BYTES  # None: publish whatever the size


@dataclass(frozen=True)
class DeployReport:
    base_url: BaseUrlChoice
    source: SourceState
    commit: SiteCommit
    pushed: bool


def deploy_site(
    config: SiteConfig, options: DeployOptions, build_site: BuildSite, say: Callable[[str], None]
) -> DeployReport:
    """Build CONFIG's project with the production base_url and publish it to OPTIONS.branch.

    Nothing is committed unless the build succeeds; the user's own site/ folder is never used.
    """
    git = open_repository(config.root)
    url = require_remote(git, options.remote) if options.push else remote_url(git, options.remote)
    base_url = choose_base_url(
        option=options.base_url, configured=config.base_url, cname=config.cname,
        remote_name=options.remote, remote_url=url,
    )
    say(f"base_url: {base_url.url} ({base_url.reason})" if base_url.url else f"base_url: none ({base_url.reason})")
    source = read_source_state(git, config.root, config.output_dir)
    if source.dirty:
        say(
            "warning: the project has uncommitted changes; the deployed site will not match commit "
            f"{source.short_sha or '(none yet)'} (it is labelled {source.label})"
        )
    with tempfile.TemporaryDirectory(prefix="sitegen-deploy-site-") as scratch:
        site_dir = Path(scratch) / "site"
        build_site(site_dir, base_url.url, source.commit_time)
        if not (site_dir / "index.html").is_file():
            raise SitegenError(STAGE, None, "the build produced no index.html; refusing to publish an incomplete site")
        if options.max_site_bytes is not None:
            refuse_oversized(site_dir, options.max_site_bytes)
        message = commit_message(source, __version__, options.message)
        commit = commit_site(
            git, site_dir, branch=options.branch, remote=options.remote, message=message, cname=config.cname
        )
    if commit.created:
        say(f"committed {commit.commit[:12]} on '{options.branch}' (site built from {source.label})")
    else:
        say(f"site unchanged: '{options.branch}' already holds this exact site ({commit.commit[:12]}); no new commit")
    if options.push:
        push_branch(git, remote=options.remote, branch=options.branch)
        say(f"pushed '{options.branch}' to '{options.remote}'")
    else:
        say(f"not pushed (--no-push); publish later with `git push {options.remote} {options.branch}`")
    return DeployReport(base_url, source, commit, pushed=options.push)


def site_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of everything under FOLDER."""
    sizes = [path.stat().st_size for path in folder.rglob("*") if path.is_file()]
    return sum(sizes), len(sizes)


def refuse_oversized(site_dir: Path, limit: int) -> None:
    """Stops the deploy, before anything is committed, when the site in SITE_DIR exceeds LIMIT bytes."""
    size, files = site_size(site_dir)
    if size > limit:
        raise SitegenError(
            STAGE, None,
            f"the built site is {readable_size(size)} in {files:,} files, and GitHub Pages publishes sites of at "
            f"most {readable_size(limit)} ({GITHUB_PAGES_LIMITS}); nothing was committed. Serve it from another "
            "static host, or pass --no-size-limit to commit it anyway (for a host that has no such limit)",
        )


def readable_size(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"
