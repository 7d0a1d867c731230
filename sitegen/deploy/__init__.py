"""Publishing a built site to a GitHub Pages branch."""

from .base_url import BaseUrlChoice, choose_base_url, github_pages_url
from .deploy_site import BuildSite, DeployOptions, DeployReport, deploy_site
from .publish import SiteCommit, SourceState, commit_message, commit_site, push_branch

__all__ = [
    "BaseUrlChoice", "BuildSite", "DeployOptions", "DeployReport", "SiteCommit", "SourceState",
    "choose_base_url", "commit_message", "commit_site", "deploy_site", "github_pages_url", "push_branch",
]
