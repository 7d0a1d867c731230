"""The generated GitHub Actions workflow: valid YAML that builds with sitegen and deploys with Pages actions."""

from __future__ import annotations

import pytest
import yaml

from sitegen.errors import SitegenError
from sitegen.workflow import WorkflowSettings, pages_workflow


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
    assert runs[1].startswith("sitegen -C docs/archive build --base-url")
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
