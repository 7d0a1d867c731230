"""Which public URL a deploy builds for."""

from __future__ import annotations

import pytest

from sitegen.deploy import choose_base_url, github_pages_url
from sitegen.errors import SitegenError


@pytest.mark.parametrize(
    "remote",
    [
        "https://github.com/octo/papers.git",
        "https://github.com/octo/papers",
        "https://github.com/octo/papers/",
        "https://x-access-token:secret@github.com/octo/papers.git",
        "http://github.com/octo/papers.git",
        "git@github.com:octo/papers.git",
        "git@github.com:octo/papers",
        "ssh://git@github.com/octo/papers.git",
        "ssh://git@ssh.github.com:443/octo/papers.git",
        "git://github.com/octo/papers.git",
        "  https://GitHub.com/Octo/papers.git\n",
    ],
)
def test_project_site_url_from_github_remotes(remote: str):
    assert github_pages_url(remote) == "https://octo.github.io/papers/"


@pytest.mark.parametrize(
    "remote",
    ["https://github.com/octo/octo.github.io.git", "git@github.com:Octo/Octo.github.io.git"],
)
def test_user_site_is_served_from_the_root(remote: str):
    assert github_pages_url(remote) == "https://octo.github.io/"


def test_repository_name_with_dots_is_kept():
    assert github_pages_url("git@github.com:octo/my.papers.git") == "https://octo.github.io/my.papers/"


@pytest.mark.parametrize(
    "remote",
    [
        "https://gitlab.com/octo/papers.git",
        "git@gitlab.com:octo/papers.git",
        "/srv/git/papers.git",
        "file:///srv/git/papers.git",
        "../papers.git",
        "https://github.com/octo",
        "https://github.com/octo/papers/tree/main",
        "https://github.com.evil.example/octo/papers.git",
        "",
    ],
)
def test_non_github_remotes_give_nothing(remote: str):
    assert github_pages_url(remote) is None


def choose(**overrides):
    settings = dict(option=None, configured="", cname="", remote_name="origin", remote_url="git@github.com:octo/papers.git")
    settings.update(overrides)
    return choose_base_url(**settings)


def test_option_wins_and_gets_a_trailing_slash():
    choice = choose(option="https://papers.example.org", configured="https://old.example.org/")
    assert (choice.url, choice.reason) == ("https://papers.example.org/", "from --base-url")


def test_option_must_be_a_url():
    with pytest.raises(SitegenError, match="--base-url must start with"):
        choose(option="papers.example.org")


def test_configured_base_url_beats_derivation():
    assert choose(configured="https://papers.example.org/").url == "https://papers.example.org/"


def test_custom_domain_is_served_at_its_root():
    assert choose(cname="papers.example.org").url == "https://papers.example.org/"


def test_derived_from_github_remote_says_so():
    choice = choose()
    assert choice.url == "https://octo.github.io/papers/"
    assert "derived from the GitHub remote 'origin'" in choice.reason


def test_non_github_remote_keeps_links_relative_and_says_why():
    choice = choose(remote_url="https://gitlab.com/octo/papers.git")
    assert choice.url == ""
    assert "not on github.com" in choice.reason and "--base-url" in choice.reason


def test_no_remote_keeps_links_relative():
    assert choose(remote_url=None).url == ""
