"""What the deployment files say, read the way Docker and CloudFormation read them.

Tests build the processes' environment from these instead of restating it, so a change
to the Dockerfile's ``ENV`` or to the task definition is what gets tested.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from tests.support.processes import ROOT

DOCKERFILE = ROOT / "Dockerfile"
ECS_TEMPLATE = ROOT / "deploy" / "ecs" / "gateway.cfn.yml"
COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"

# Stand-ins for the keys the task reads from Secrets Manager (AWS_SECRETS_REQUIRED_KEYS).
STRONG_KEY = "x8#Lq2!vR5$wT9&yU3*zA7^bC1@dE4%fG6(hJ0)kM2-nP5+qS8=tV1"
SECRET_VALUES = {"SECRET_KEY": STRONG_KEY, "API_KEY_PEPPERS": "pepper-" + STRONG_KEY}
PUBLIC_HOST = "gw.example.com"


def image_environment(dockerfile: Path = DOCKERFILE) -> dict[str, str]:
    """The ``ENV`` of the Dockerfile's last (runtime) stage, continuation lines joined."""
    text = dockerfile.read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        words = line.strip().split(None, 1)
        if not words:
            continue
        if words[0].upper() == "FROM":
            env = {}  # a new stage starts with its own environment
        elif words[0].upper() == "ENV" and len(words) == 2:
            for pair in shlex.split(words[1]):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def healthcheck_command(dockerfile: Path = DOCKERFILE) -> str:
    """The shell form of the image's ``HEALTHCHECK ... CMD``."""
    text = dockerfile.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("HEALTHCHECK"):
            return line.split(" CMD ", 1)[1].strip()
    raise AssertionError("the Dockerfile has no HEALTHCHECK")


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (``!Ref X`` becomes ``{"Ref": "X"}``)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def ecs_template(path: Path = ECS_TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CfnLoader)


def resolve(value: Any, parameters: dict[str, str]) -> str:
    """A task-definition value with ``Ref``/``Sub`` of parameters and pseudo parameters filled in."""
    if isinstance(value, str | int | float):
        return str(value)
    if "Ref" in value:
        return parameters[value["Ref"]]
    if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        text = value["Fn::Sub"]
        for name, given in parameters.items():
            text = text.replace("${" + name + "}", given)
        return text
    raise AssertionError(f"cannot resolve {value!r} outside CloudFormation")


def template_parameters(template: dict[str, Any], **given: str) -> dict[str, str]:
    """Each parameter's default (or the given value), plus the pseudo parameters a task sees."""
    values = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
              "AWS::StackName": "aiguardian"}
    for name, spec in template["Parameters"].items():
        if "Default" in spec:
            values[name] = str(spec["Default"])
    values.update(given)
    return values


def container_environment(task: str, container: str, **parameters: str) -> dict[str, str]:
    """The ``Environment`` of one container of one task definition in the ECS template."""
    template = ecs_template()
    params = template_parameters(template, HostName=PUBLIC_HOST, Image="aiguardian:test", **parameters)
    definition = template["Resources"][task]["Properties"]
    (spec,) = [c for c in definition["ContainerDefinitions"] if c["Name"] == container]
    return {item["Name"]: resolve(item["Value"], params) for item in spec.get("Environment", [])}


def production_environment(task: str = "GatewayTask", container: str = "gateway", **secrets: str) -> dict[str, str]:
    """What a production container runs with: the image's ``ENV``, the task's environment and,
    in place of the Secrets Manager secret (no AWS here), its required keys set directly."""
    env = {**image_environment(), **container_environment(task, container)}
    env["AWS_SECRETS_ENABLED"] = "false"
    env.update(SECRET_VALUES)
    env.update(secrets)
    return env
