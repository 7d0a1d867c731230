"""Where a deployed site will live, worked out from settings or the GitHub remote."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SitegenError

# Owner and repository as GitHub allows them; anything else is not a GitHub remote we can map.
_GITHUB_PATH = re.compile(
    r"^/?(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)
# ssh.github.com serves git over port 443 for networks that block port 22.
_GITHUB_HOSTS = {"github.com", "www.github.com", "ssh.github.com"}
# scp-like syntax: [user@]host:path (no scheme, colon before the first slash)
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:[^@/]*@)?(?P<host>[^/:]+)(?::\d*)?(?P<path>/.*)$")


@dataclass(frozen=True)
class BaseUrlChoice:
    url: str  # "" = relative links
    reason: str  # said to the user, so they know what the published links point at


def github_pages_url(remote_url: str) -> str | None:
    """https://<owner>.github.io/<repo>/ for a GitHub remote, the root for <owner>.github.io; else None."""
    owner_repo = _github_owner_repo(remote_url.strip())
    if owner_repo is None:
        return None
    owner, repo = owner_repo
    host = f"{owner.lower()}.github.io"
    if repo.lower() == host:
        return f"https://{host}/"
    return f"https://{host}/{repo}/"


def choose_base_url(
    *, option: str | None, configured: str, cname: str, remote_name: str, remote_url: str | None
) -> BaseUrlChoice:
    """Pick the production base_url: --base-url, then sitegen.toml, then the custom domain, then the remote."""
    if option:
        if not option.startswith(("http://", "https://", "/")):
            raise SitegenError("deploy", None, f"--base-url must start with http://, https:// or /, got {option!r}")
        url = option if option.endswith("/") else option + "/"
        return BaseUrlChoice(url, "from --base-url")
    if configured:
        return BaseUrlChoice(configured, "from base_url in sitegen.toml")
    if cname.strip():
        return BaseUrlChoice(
            f"https://{cname.strip()}/", "from cname in sitegen.toml (GitHub serves a custom domain at its root)"
        )
    if remote_url:
        derived = github_pages_url(remote_url)
        if derived:
            return BaseUrlChoice(derived, f"derived from the GitHub remote '{remote_name}'")
        return BaseUrlChoice(
            "",
            f"remote '{remote_name}' is not on github.com, so links stay relative; "
            "set base_url in sitegen.toml or pass --base-url for absolute links, feed and sitemap",
        )
    return BaseUrlChoice(
        "", "no base_url configured and no remote to derive it from, so links stay relative"
    )


def _github_owner_repo(remote_url: str) -> tuple[str, str] | None:
    match = _URL.match(remote_url)
    if match:
        if match["scheme"].lower() not in {"https", "http", "ssh", "git", "git+ssh", "ssh+git"}:
            return None
        host, path = match["host"], match["path"]
    else:
        match = _SCP_LIKE.match(remote_url)
        if not match:
            return None
        host, path = match["host"], match["path"]
    if host.lower() not in _GITHUB_HOSTS:
        return None
    parts = _GITHUB_PATH.match(path)
    if not parts or parts["repo"] in {".", ".."}:
        return None
    return parts["owner"], parts["repo"]
