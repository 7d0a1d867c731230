"""`sitegen gh-workflow` writes the Pages workflow into the repository, and never clobbers one silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from deploy_git_sandbox import git

from sitegen.cli import main
from tests.conftest import REPO_ROOT


def test_writes_workflow_at_repository_root_for_sitegen_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    shutil.copy2(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "sitegen.toml").write_text('title = "T"\n')
    assert main(["-C", str(tmp_path), "gh-workflow"]) == 0
    workflow = tmp_path / ".github" / "workflows" / "pages.yml"
    data = yaml.safe_load(workflow.read_text())
    runs = [step["run"].strip() for step in data["jobs"]["build"]["steps"] if "run" in step]
    assert runs[0] == "python -m pip install ."
    assert data[True]["push"]["branches"] == ["main"]
    out = capsys.readouterr().out
    assert "Settings -> Pages" in out and "GitHub Actions" in out


def test_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    workflow = tmp_path / ".github" / "workflows" / "pages.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("# my own workflow\n")
    assert main(["-C", str(tmp_path), "gh-workflow", "--install", "sitegen==0.1.0"]) == 1
    assert "already exists; pass --force" in capsys.readouterr().err
    assert workflow.read_text() == "# my own workflow\n"
    assert main(["-C", str(tmp_path), "gh-workflow", "--install", "sitegen==0.1.0", "--force"]) == 0
    assert "actions/deploy-pages" in workflow.read_text()


def test_other_repositories_must_say_where_sitegen_comes_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["-C", str(tmp_path), "gh-workflow"]) == 1
    assert "--install SPEC" in capsys.readouterr().err
    assert not (tmp_path / ".github").exists()


def test_project_in_subfolder_of_a_git_repository(git_sandbox: Path):
    repo = git_sandbox / "repo"
    project = repo / "archive"
    project.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "trunk")
    shutil.copy2(REPO_ROOT / "pyproject.toml", repo / "pyproject.toml")
    (project / "sitegen.toml").write_text('output_dir = "public"\n')
    assert main(["-C", str(project), "gh-workflow"]) == 0
    data = yaml.safe_load((repo / ".github" / "workflows" / "pages.yml").read_text())
    steps = data["jobs"]["build"]["steps"]
    assert data[True]["push"]["branches"] == ["trunk"]
    assert any("\nsitegen -C archive build" in step.get("run", "") for step in steps)
    assert [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")] == ["archive/public"]
    assert not (project / ".github").exists()
