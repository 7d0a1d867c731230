"""The generated GitHub Actions workflow: valid YAML that builds with sitegen and deploys with Pages actions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from sitegen.errors import SitegenError
from sitegen.workflow import WorkflowSettings, pages_workflow
from tests.conftest import REPO_ROOT, require_tool


def parse(settings: WorkflowSettings = WorkflowSettings()) -> dict:
    data = yaml.safe_load(pages_workflow(settings))
    # PyYAML follows YAML 1.1, where the bare key `on` reads as True; GitHub reads it as "on".
    data["on"] = data.pop(True)
    return data


def step_using(steps: list[dict], action: str) -> dict:
    [step] = [step for step in steps if step.get("uses", "").startswith(action + "@")]
    return step


def test_triggers_permissions_and_concurrency():
    data = parse(WorkflowSettings(branch="trunk"))
    assert data["on"]["push"]["branches"] == ["trunk"]
    assert "workflow_dispatch" in data["on"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["concurrency"]["group"] == "pages"


def test_build_job_installs_builds_and_uploads():
    steps = parse()["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.index("actions/checkout") < uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    assert step_using(steps, "actions/setup-python")["with"]["python-version"] == "3.11"
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert runs == [
        "python -m pip install .",
        'export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"\n'
        'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"',
    ]
    pages_step = step_using(steps, "actions/configure-pages")
    assert pages_step["id"] == "pages"
    assert step_using(steps, "actions/upload-pages-artifact")["with"]["path"] == "site"


def test_deploy_job_uses_deploy_pages_after_build():
    deploy = parse()["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    step = step_using(deploy["steps"], "actions/deploy-pages")
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"


def test_project_in_a_subfolder():
    steps = parse(WorkflowSettings(project_dir="docs/archive/", output_dir="public", install="sitegen==0.1.0"))["jobs"]["build"]["steps"]
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert runs[0] == "python -m pip install sitegen==0.1.0"
    assert runs[1].splitlines()[1].startswith("sitegen -C docs/archive build --base-url")
    assert step_using(steps, "actions/upload-pages-artifact")["with"]["path"] == "docs/archive/public"


def test_odd_values_are_quoted_not_injected():
    text = pages_workflow(WorkflowSettings(project_dir="my site: #1", install="git+https://example.org/x.git#egg=sitegen"))
    data = yaml.safe_load(text)
    steps = data["jobs"]["build"]["steps"]
    assert step_using(steps, "actions/upload-pages-artifact")["with"]["path"] == "my site: #1/site"
    assert "sitegen -C 'my site: #1' build" in steps[4]["run"]


@pytest.mark.parametrize(
    "settings",
    [
        WorkflowSettings(branch="main\n  evil: true"),
        WorkflowSettings(branch="${{ github.token }}"),
        WorkflowSettings(python_version="latest"),
        WorkflowSettings(project_dir="../elsewhere"),
        WorkflowSettings(install="sitegen\nrm -rf /"),
    ],
)
def test_unsafe_settings_are_refused(settings: WorkflowSettings):
    with pytest.raises(SitegenError):
        pages_workflow(settings)


def test_the_build_step_dates_the_feed_with_the_published_commit(seed_project, tmp_path):
    """Run the generated build step as Actions would: the feed carries the commit's time, not 1970."""
    require_tool(shutil.which("git") is not None and shutil.which("bash") is not None, "git and bash are not installed")
    identity = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
                "GIT_COMMITTER_EMAIL": "a@example.org", "GIT_COMMITTER_DATE": "2026-03-04T05:06:07Z"}
    env = {**os.environ, **identity, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "archive"]):
        subprocess.run(["git", *args], cwd=seed_project, env=env, check=True)
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "sitegen").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sitegen "$@"\n', encoding="utf-8")
    (shims / "sitegen").chmod(0o755)
    env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"
    [step] = [step for step in parse()["jobs"]["build"]["steps"] if step.get("name") == "Build the site"]
    script = step["run"].replace("${{ steps.pages.outputs.base_url }}", "https://example.org/archive")
    subprocess.run(["bash", "-e", "-c", script], cwd=seed_project, env=env, check=True, capture_output=True)
    feed = (seed_project / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>2026-03-04T05:06:07Z</updated>" in feed
