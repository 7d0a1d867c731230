"""deploy_site with a tiny stand-in build: what lands on gh-pages, and what must stay untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_git_sandbox import Sandbox, git, snapshot

from sitegen import __version__
from sitegen.config import load_config
from sitegen.deploy import DeployOptions, deploy_site
from sitegen.errors import BuildFailed, SitegenError
from sitegen.model import Diagnostic


def site_builder(pages: dict[str, str], seen_base_urls: list[str] | None = None):
    """A build stand-in that writes PAGES; the publisher only needs a folder of files."""

    def build_site(out_dir: Path, base_url: str, commit_time: int | None) -> None:
        if seen_base_urls is not None:
            seen_base_urls.append(base_url)
        for name, text in pages.items():
            path = out_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    return build_site


SITE = {"index.html": "<h1>Tiny</h1>", "papers/a/index.html": "<p>A</p>", "_static/app.js": "x()"}


def deploy(sandbox: Sandbox, pages=SITE, messages: list[str] | None = None, **options):
    out = messages if messages is not None else []
    return deploy_site(load_config(sandbox.work), DeployOptions(**options), site_builder(pages), out.append)


def test_first_deploy_creates_branch_with_site_and_nojekyll(sandbox: Sandbox):
    report = deploy(sandbox)
    assert report.commit.created and report.pushed
    assert sorted(sandbox.remote_files()) == [".nojekyll", "_static/app.js", "index.html", "papers/a/index.html"]
    assert sandbox.remote_file("index.html") == "<h1>Tiny</h1>"
    assert len(sandbox.remote_log()) == 1
    message = git(sandbox.remote, "log", "-1", "--format=%B", "gh-pages")
    head = git(sandbox.work, "rev-parse", "--short", "HEAD")
    assert head in message and f"sitegen {__version__}" in message and "+dirty" not in message


def test_cname_from_config_is_published(sandbox: Sandbox):
    (sandbox.work / "sitegen.toml").write_text('title = "Tiny"\ncname = "papers.example.org"\n')
    messages: list[str] = []
    deploy(sandbox, messages=messages)
    assert sandbox.remote_file("CNAME") == "papers.example.org"
    assert "base_url: https://papers.example.org/" in messages[0]


def test_changed_site_adds_exactly_one_commit_on_top(sandbox: Sandbox):
    first = deploy(sandbox).commit.commit
    second = deploy(sandbox, pages={**SITE, "index.html": "<h1>Tiny, updated</h1>"})
    log = sandbox.remote_log()
    assert log == [second.commit.commit, first]
    assert sandbox.remote_file("index.html") == "<h1>Tiny, updated</h1>"


def test_removed_page_disappears_from_the_branch(sandbox: Sandbox):
    deploy(sandbox)
    deploy(sandbox, pages={"index.html": "<h1>Tiny</h1>"})
    assert sorted(sandbox.remote_files()) == [".nojekyll", "index.html"]


def test_unchanged_site_makes_no_commit_and_says_so(sandbox: Sandbox):
    deploy(sandbox)
    before = sandbox.remote_log()
    messages: list[str] = []
    report = deploy(sandbox, messages=messages)
    assert not report.commit.created
    assert sandbox.remote_log() == before
    assert any("site unchanged" in line and "no new commit" in line for line in messages)


def test_user_state_is_untouched(sandbox: Sandbox):
    work = sandbox.work
    git(work, "branch", "feature")
    (work / "notes.txt").write_text("stashed work\n")
    git(work, "add", "notes.txt")
    git(work, "stash", "push", "-q", "-m", "my stash")
    (work / "staged.txt").write_text("staged, not committed\n")
    git(work, "add", "staged.txt")
    (work / "sitegen.toml").write_text('title = "Edited but not staged"\n')
    (work / "untracked.txt").write_text("untracked\n")
    (work / "site").mkdir()
    (work / "site" / "index.html").write_text("the user's own local build")
    before = snapshot(work)
    deploy(sandbox)
    deploy(sandbox, pages={"index.html": "changed"})
    assert snapshot(work) == before
    assert git(work, "symbolic-ref", "HEAD") == "refs/heads/main"


def test_dirty_source_warns_and_is_named_in_the_commit(sandbox: Sandbox):
    (sandbox.work / "content" / "listings" / "tiny.txt").write_text("Mar 12\n\nAnother Title\n\nText.\n")
    messages: list[str] = []
    deploy(sandbox, messages=messages)
    assert any(line.startswith("warning: the project has uncommitted changes") for line in messages)
    assert "+dirty" in git(sandbox.remote, "log", "-1", "--format=%B", "gh-pages")


def test_own_output_folder_does_not_make_the_source_dirty(sandbox: Sandbox):
    (sandbox.work / ".gitignore").unlink()
    git(sandbox.work, "commit", "-q", "-am", "track everything")
    (sandbox.work / "site").mkdir()
    (sandbox.work / "site" / "index.html").write_text("local preview build")
    report = deploy(sandbox)
    assert not report.source.dirty


def test_custom_message_keeps_source_and_version(sandbox: Sandbox):
    deploy(sandbox, message="Publish the March archive")
    message = git(sandbox.remote, "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("Publish the March archive")
    assert git(sandbox.work, "rev-parse", "--short", "HEAD") in message and __version__ in message


def test_no_push_commits_locally_only(sandbox: Sandbox):
    report = deploy(sandbox, push=False)
    assert not report.pushed
    assert git(sandbox.work, "rev-parse", "gh-pages") == report.commit.commit
    assert git(sandbox.remote, "branch", "--list", "gh-pages") == ""


def test_custom_remote_and_branch(sandbox: Sandbox, git_sandbox: Path):
    other = git_sandbox / "mirror.git"
    git(git_sandbox, "init", "-q", "--bare", str(other))
    git(sandbox.work, "remote", "add", "mirror", str(other))
    deploy(sandbox, remote="mirror", branch="site-pub")
    assert ".nojekyll" in git(other, "ls-tree", "--name-only", "site-pub").splitlines()
    assert git(sandbox.remote, "branch", "--list", "site-pub") == ""


@pytest.mark.parametrize(
    "failure",
    [
        SitegenError("config", "sitegen.toml", "unknown setting 'titel'"),
        BuildFailed((Diagnostic("error", "ingest", "content/listings/tiny.txt", 3, "broken"),)),
    ],
)
def test_failed_build_is_never_published(sandbox: Sandbox, failure: Exception):
    def failing_build(out_dir: Path, base_url: str, commit_time: int | None) -> None:
        (out_dir / "partial.html").parent.mkdir(parents=True, exist_ok=True)
        (out_dir / "partial.html").write_text("half a site")
        raise failure

    with pytest.raises(type(failure)):
        deploy_site(load_config(sandbox.work), DeployOptions(), failing_build, lambda _: None)
    assert git(sandbox.work, "branch", "--list", "gh-pages") == ""
    assert git(sandbox.remote, "branch", "--list", "gh-pages") == ""


def test_build_without_index_page_is_refused(sandbox: Sandbox):
    with pytest.raises(SitegenError, match="no index.html"):
        deploy(sandbox, pages={"other.html": "x"})
    assert git(sandbox.work, "branch", "--list", "gh-pages") == ""


def test_a_site_larger_than_github_pages_serves_is_refused_before_any_commit(sandbox: Sandbox):
    size = sum(len(text.encode()) for text in SITE.values())
    with pytest.raises(SitegenError, match=rf"built site is {size} bytes in 3 files.*at most {size - 1} bytes"
                                           r".*nothing was committed.*--no-size-limit"):
        deploy(sandbox, max_site_bytes=size - 1)
    assert git(sandbox.work, "branch", "--list", "gh-pages") == ""
    assert git(sandbox.remote, "branch", "--list", "gh-pages") == ""
    assert deploy(sandbox, max_site_bytes=size).commit.created  # at the limit is fine
    assert deploy(sandbox, pages={**SITE, "big.bin": "x" * 100}, max_site_bytes=None).commit.created


def test_not_a_git_repository(git_sandbox: Path):
    project = git_sandbox / "plain"
    project.mkdir()
    with pytest.raises(SitegenError, match="not inside a git repository.*git init"):
        deploy_site(load_config(project), DeployOptions(), site_builder(SITE), lambda _: None)


def test_missing_remote_is_named(sandbox: Sandbox):
    with pytest.raises(SitegenError, match="no remote named 'upstream'.*known remotes: origin"):
        deploy(sandbox, remote="upstream")


def test_missing_remote_is_fine_without_push(sandbox: Sandbox):
    git(sandbox.work, "remote", "remove", "origin")
    messages: list[str] = []
    report = deploy(sandbox, push=False, messages=messages)
    assert report.commit.created and report.base_url.url == ""
    assert "links stay relative" in messages[0]


def test_rejected_push_explains_and_recovers(sandbox: Sandbox, git_sandbox: Path):
    deploy(sandbox)
    # A colleague deploys from their own clone in between.
    colleague = git_sandbox / "colleague"
    git(git_sandbox, "clone", "-q", str(sandbox.remote), str(colleague))
    deploy_site(load_config(colleague), DeployOptions(), site_builder({"index.html": "theirs"}), lambda _: None)
    assert len(sandbox.remote_log()) == 2  # built on the published branch, not a new root

    with pytest.raises(SitegenError, match=r"rejected.*git fetch origin gh-pages && git branch -f gh-pages origin/gh-pages"):
        deploy(sandbox, pages={"index.html": "mine"})
    assert sandbox.remote_file("index.html") == "theirs"

    git(sandbox.work, "fetch", "-q", "origin", "gh-pages")
    git(sandbox.work, "branch", "-f", "gh-pages", "origin/gh-pages")
    deploy(sandbox, pages={"index.html": "mine"})
    assert sandbox.remote_file("index.html") == "mine"
    assert len(sandbox.remote_log()) == 3


def test_refuses_when_target_branch_is_checked_out(sandbox: Sandbox):
    git(sandbox.work, "switch", "-q", "-c", "gh-pages")
    with pytest.raises(SitegenError, match="gh-pages. is checked out in a work tree"):
        deploy(sandbox)


def test_refuses_when_target_branch_is_checked_out_in_another_worktree(sandbox: Sandbox, git_sandbox: Path):
    deploy(sandbox, push=False)
    git(sandbox.work, "worktree", "add", "-q", str(git_sandbox / "pages-wt"), "gh-pages")
    tip = git(sandbox.work, "rev-parse", "gh-pages")
    with pytest.raises(SitegenError, match="checked out in a work tree"):
        deploy(sandbox, pages={"index.html": "new"}, push=False)
    assert git(sandbox.work, "rev-parse", "gh-pages") == tip


def test_works_without_any_git_identity(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch):
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    deploy(sandbox)
    assert git(sandbox.remote, "log", "-1", "--format=%an <%ae>", "gh-pages") == "sitegen <sitegen@localhost>"


def test_configured_identity_is_used(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch):
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    git(sandbox.work, "config", "user.name", "Ada Lovelace")
    git(sandbox.work, "config", "user.email", "ada@example.org")
    deploy(sandbox)
    assert git(sandbox.remote, "log", "-1", "--format=%an <%ae>", "gh-pages") == "Ada Lovelace <ada@example.org>"


def test_base_url_is_derived_from_github_remote(sandbox: Sandbox):
    git(sandbox.work, "remote", "add", "github", "git@github.com:octo/papers.git")
    seen: list[str] = []
    messages: list[str] = []
    deploy_site(load_config(sandbox.work), DeployOptions(remote="github", push=False), site_builder(SITE, seen), messages.append)
    assert seen == ["https://octo.github.io/papers/"]
    assert messages[0] == "base_url: https://octo.github.io/papers/ (derived from the GitHub remote 'github')"


def test_tree_is_deterministic_across_repositories(sandbox: Sandbox, git_sandbox: Path):
    first = deploy(sandbox, push=False).commit.tree
    clone = git_sandbox / "clone"
    git(git_sandbox, "clone", "-q", str(sandbox.work), str(clone))
    second = deploy_site(load_config(clone), DeployOptions(push=False), site_builder(SITE), lambda _: None)
    assert second.commit.tree == first
