"""`sitegen deploy` end to end: the real build, a local bare repository as origin, exit codes and messages."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from deploy_git_sandbox import Sandbox, git, snapshot

from sitegen import __version__
from sitegen.cli import main


def deploy(sandbox: Sandbox, *args: str) -> int:
    return main(["-C", str(sandbox.work), "deploy", *args])


def test_first_deploy_publishes_the_built_site(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]):
    before = snapshot(sandbox.work)
    assert deploy(sandbox) == 0
    files = sandbox.remote_files()
    assert ".nojekyll" in files and "index.html" in files
    assert "A Study of Tiny Archives" in "".join(sandbox.remote_file(name) for name in files if name.endswith(".html"))
    message = git(sandbox.remote, "log", "-1", "--format=%B", "gh-pages")
    assert git(sandbox.work, "rev-parse", "--short", "HEAD") in message and f"sitegen {__version__}" in message
    out = capsys.readouterr().out
    assert "base_url: none" in out and "links stay relative" in out  # a local path is no GitHub remote
    assert "pushed 'gh-pages' to 'origin'" in out
    assert snapshot(sandbox.work) == before
    assert not (sandbox.work / "site").exists()  # built elsewhere, never into the user's site/


def test_content_change_adds_one_commit_and_unchanged_adds_none(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]):
    assert deploy(sandbox) == 0
    first = sandbox.remote_log()
    listing = sandbox.work / "content" / "listings" / "tiny.txt"
    listing.write_text(listing.read_text() + "\nThird Paper About Changes\n\nA new abstract.\n")
    git(sandbox.work, "commit", "-q", "-am", "Add a paper")
    assert deploy(sandbox) == 0
    second = sandbox.remote_log()
    assert len(second) == 2 and second[1:] == first
    capsys.readouterr()
    assert deploy(sandbox) == 0
    assert sandbox.remote_log() == second
    assert "site unchanged" in capsys.readouterr().out


def test_cname_and_configured_base_url(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]):
    (sandbox.work / "sitegen.toml").write_text('title = "Tiny"\ncname = "papers.example.org"\n')
    git(sandbox.work, "commit", "-q", "-am", "Custom domain")
    assert deploy(sandbox) == 0
    assert sandbox.remote_file("CNAME") == "papers.example.org"
    assert "base_url: https://papers.example.org/ (from cname in sitegen.toml" in capsys.readouterr().out


def test_uncommitted_changes_warn(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]):
    (sandbox.work / "sitegen.toml").write_text('title = "Renamed, not committed"\n')
    assert deploy(sandbox, "--no-push", "-m", "Preview") == 0
    assert "warning: the project has uncommitted changes" in capsys.readouterr().out
    message = git(sandbox.work, "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("Preview") and "+dirty" in message
    assert git(sandbox.remote, "branch", "--list", "gh-pages") == ""


def test_failed_build_exits_non_zero_and_publishes_nothing(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]):
    (sandbox.work / "sitegen.toml").write_text('titel = "typo"\n')
    assert deploy(sandbox) == 1
    assert "unknown setting 'titel'" in capsys.readouterr().err
    assert git(sandbox.work, "branch", "--list", "gh-pages") == ""
    assert git(sandbox.remote, "branch", "--list", "gh-pages") == ""


def test_not_a_git_repository(git_sandbox: Path, capsys: pytest.CaptureFixture[str]):
    project = git_sandbox / "plain"
    project.mkdir()
    (project / "sitegen.toml").write_text('title = "T"\n')
    assert main(["-C", str(project), "deploy"]) == 1
    err = capsys.readouterr().err
    assert "not inside a git repository" in err and "Traceback" not in err


def test_no_such_remote(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]):
    assert deploy(sandbox, "--remote", "pages") == 1
    err = capsys.readouterr().err
    assert "no remote named 'pages'" in err and "git remote add pages URL" in err


def test_rejected_push(sandbox: Sandbox, git_sandbox: Path, capsys: pytest.CaptureFixture[str]):
    assert deploy(sandbox) == 0
    colleague = git_sandbox / "colleague"
    git(git_sandbox, "clone", "-q", str(sandbox.remote), str(colleague))
    (colleague / "sitegen.toml").write_text('title = "Their title"\n')
    git(colleague, "commit", "-q", "-am", "Their change")
    assert main(["-C", str(colleague), "deploy"]) == 0
    (sandbox.work / "sitegen.toml").write_text('title = "My title"\n')
    git(sandbox.work, "commit", "-q", "-am", "My change")
    capsys.readouterr()
    assert deploy(sandbox) == 1
    err = capsys.readouterr().err
    assert "rejected" in err and "someone else deployed" in err and "git fetch origin gh-pages" in err


def test_the_feed_is_dated_by_the_source_commit(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert deploy(sandbox, "--base-url", "https://example.org/tiny/") == 0
    committed = int(git(sandbox.work, "log", "-1", "--format=%ct", "HEAD"))
    stamp = datetime.fromtimestamp(committed, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f"<updated>{stamp}</updated>" in sandbox.remote_file("feed.xml")
    # Deploying the same commit again publishes the same bytes: no new commit.
    assert deploy(sandbox, "--base-url", "https://example.org/tiny/") == 0
    assert len(sandbox.remote_log()) == 1


def test_a_site_over_the_size_limit_needs_no_size_limit(sandbox: Sandbox, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch):
    # GitHub Pages' 1 GB, made small enough for the tiny project to pass it.
    monkeypatch.setattr("sitegen.commands.deploy.GITHUB_PAGES_MAX_BYTES", 1000)
    assert deploy(sandbox) == 1
    err = capsys.readouterr().err
    assert "error (deploy): the built site is" in err and "at most 1000 bytes" in err and "--no-size-limit" in err
    assert git(sandbox.remote, "branch", "--list", "gh-pages") == ""
    assert deploy(sandbox, "--no-size-limit") == 0
    assert "index.html" in sandbox.remote_files()
