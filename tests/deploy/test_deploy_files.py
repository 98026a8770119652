"""The deployment files are checked as their tools read them (issue 12): cfn-lint for the
CloudFormation templates, the Compose specification's JSON schema for the compose file.

Each check is also shown to catch a broken copy, so a validator that silently accepted
everything (a wrong schema name, a template it did not parse) would fail here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.api import lint_file

from tests.support.deploy import COMPOSE_FILE, DOCKERFILE, healthcheck_command, image_environment
from tests.support.processes import ROOT

TEMPLATES = sorted((ROOT / "deploy" / "ecs").glob("*.yml"))
COMPOSE_SCHEMA = "vendor.compose-spec"  # shipped by check-jsonschema (Apache-2.0, from compose-spec)


def cfn_problems(path: Path) -> list[str]:
    return [f"{m.rule.id} {m.filename}:{m.linenumber} {m.message}" for m in lint_file(path)]


def compose_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", COMPOSE_SCHEMA, str(path)],
                          capture_output=True, text=True, timeout=120)


def test_there_is_a_template_to_lint():
    assert [p.name for p in TEMPLATES] == ["gateway.cfn.yml", "guard-service.cfn.yml"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_cloudformation_templates_pass_cfn_lint(template):
    assert cfn_problems(template) == []


def test_cfn_lint_catches_a_broken_template(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(TEMPLATES[0].read_text().replace("TaskDefinition: !Ref GatewayTask",
                                                       "TaskDefinition: !Ref NoSuchParameter", 1))
    problems = cfn_problems(broken)
    assert any("NoSuchParameter" in p for p in problems), problems


def test_compose_file_matches_the_compose_specification():
    result = compose_check(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_schema_check_catches_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("condition: service_healthy",
                                                       "condition: when_it_feels_like_it", 1))
    result = compose_check(broken)
    assert result.returncode != 0
    assert "when_it_feels_like_it" in result.stdout + result.stderr


def test_nothing_git_ignores_reaches_the_image():
    # .gitignore lists local state (databases, logs, the demo API key): `COPY . .` must skip it too.
    def entries(path: Path) -> set[str]:
        lines = (line.strip() for line in path.read_text().splitlines())
        return {line.rstrip("/").removeprefix("**/") for line in lines if line and not line.startswith("#")}

    assert entries(ROOT / ".gitignore") - entries(ROOT / ".dockerignore") == set()


def test_the_image_runs_as_a_user_with_a_healthcheck_on_its_port():
    runtime = DOCKERFILE.read_text().rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER (?!root)\w+", runtime, re.MULTILINE)
    assert f"EXPOSE {image_environment()['PORT']}" in runtime
    assert "/health/live" in healthcheck_command()
    entrypoint = re.search(r'^ENTRYPOINT \["([^"]+)"\]', runtime, re.MULTILINE)
    assert entrypoint and (ROOT / entrypoint.group(1)).is_file()
