"""`sitegen gh-workflow`: write the GitHub Actions workflow that publishes the site on every push."""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path

from ..config import load_config
from ..deploy.git import Git, open_repository
from ..errors import SitegenError
from ..workflow import WORKFLOW_PATH, WorkflowSettings, pages_workflow

STAGE = "gh-workflow"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "gh-workflow",
        help="write .github/workflows/pages.yml to publish the site with GitHub Actions",
        description="Write a GitHub Actions workflow that builds the site on every push to your default branch "
        "and publishes it with GitHub Pages (then set Settings -> Pages -> Source to 'GitHub Actions').",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing workflow file")
    parser.add_argument(
        "--on-branch", metavar="BRANCH",
        help="branch whose pushes publish the site (default: the remote's default branch, else the current one)",
    )
    parser.add_argument(
        "--python", default="3.11", metavar="VERSION", help="Python version on the runner (default: 3.11)"
    )
    parser.add_argument(
        "--install", metavar="SPEC",
        help="pip requirement that installs sitegen on the runner "
        "(default: '.', when this repository is sitegen's own source)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    if not project.is_dir():
        raise SitegenError(STAGE, None, f"project folder {args.project} does not exist")
    config = load_config(project)
    git = _repository_or_none(project)
    repo_root = git.top_level.resolve() if git else project
    settings = WorkflowSettings(
        branch=args.on_branch or (_default_branch(git) if git else "main"),
        python_version=args.python,
        install=args.install or _install_from_source(repo_root),
        project_dir=Path(os.path.relpath(project, repo_root)).as_posix(),
        output_dir=config.output_dir,
    )
    text = pages_workflow(settings)
    target = repo_root / WORKFLOW_PATH
    if target.exists() and not args.force:
        raise SitegenError(STAGE, WORKFLOW_PATH, "already exists; pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {target} (publishes pushes to '{settings.branch}', "
          f"installs sitegen with `pip install {settings.install}`)")
    print("next: commit and push it, then in the GitHub repository open Settings -> Pages and set "
          "Build and deployment -> Source to 'GitHub Actions'")
    return 0


def _repository_or_none(project: Path) -> Git | None:
    try:
        return open_repository(project)
    except SitegenError:
        return None


def _default_branch(git: Git) -> str:
    remote_head = git.output_or_none("symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
    if remote_head and "/" in remote_head:
        return remote_head.split("/", 1)[1]
    return git.output_or_none("symbolic-ref", "-q", "--short", "HEAD") or "main"


def _install_from_source(repo_root: Path) -> str:
    """'.' when the repository is sitegen's own source; otherwise the user must say where sitegen comes from."""
    pyproject = repo_root / "pyproject.toml"
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        name = None
    if name == "sitegen":
        return "."
    raise SitegenError(
        STAGE, None,
        "this repository does not hold sitegen's source (no pyproject.toml naming the sitegen project), so the "
        "runner cannot `pip install .`; pass --install SPEC saying where to get sitegen, "
        "e.g. --install 'git+https://github.com/OWNER/sitegen@v0.1.0'",
    )
