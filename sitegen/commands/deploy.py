"""`sitegen deploy`: build with the production base_url and publish to the gh-pages branch."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..build import build
from ..config import load_config
from ..deploy import DeployOptions, deploy_site
from ..deploy.deploy_site import GITHUB_PAGES_MAX_BYTES
from ..errors import SitegenError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "deploy",
        help="build the site and publish it on the gh-pages branch (GitHub Pages)",
        description="Build the site with its public base_url into a temporary folder, commit it to the gh-pages "
        "branch (your work tree, index and current branch are left alone) and push it.",
    )
    parser.add_argument(
        "--remote", default="origin", help="remote to push to and derive base_url from (default: origin)"
    )
    parser.add_argument("--branch", default="gh-pages", help="branch that holds the published site (default: gh-pages)")
    parser.add_argument("-m", "--message", help="commit message (the source commit and sitegen version are appended)")
    parser.add_argument("--no-push", dest="push", action="store_false", help="commit the site locally, do not push")
    parser.add_argument(
        "--base-url", metavar="URL",
        help="public URL of the site (default: base_url in sitegen.toml, else derived from a GitHub remote)",
    )
    parser.add_argument(
        "--no-size-limit", dest="size_limit", action="store_false",
        help="publish a site larger than GitHub Pages' 1 GB (refused by default: GitHub would not serve it)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    if not project.is_dir():
        raise SitegenError("deploy", None, f"project folder {args.project} does not exist")
    config = load_config(project)
    options = DeployOptions(
        remote=args.remote, branch=args.branch, message=args.message, push=args.push, base_url=args.base_url,
        max_site_bytes=GITHUB_PAGES_MAX_BYTES if args.size_limit else None,
    )

    def build_site(out_dir: Path, base_url: str, commit_time: int | None) -> None:
        # An explicit SOURCE_DATE_EPOCH wins over the commit's time, as for `sitegen build`.
        explicit = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        result = build(project, out_dir=out_dir, base_url=base_url,
                       source_date_epoch=None if explicit else commit_time)
        warnings = f", {len(result.warnings)} warning(s) (details: `sitegen check`)" if result.warnings else ""
        print(f"built {result.pages} pages{warnings}")

    deploy_site(config, options, build_site, say=print)
    return 0
