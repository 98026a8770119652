"""What the ECS template promises, checked against the code it runs (issue 12).

cfn-lint (test_deploy_files.py) says the template is valid CloudFormation; these say it
does what the README claims: every scheduled command exists, the gateway scales on CPU and
requests between parameterised bounds, the alarms cover 5xx, latency, breakers and
readiness, and the log metric filters match the log lines the gateway really writes.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core.management import get_commands

from aiguardian.health import run_checks
from aiguardian.logging import JsonFormatter, RequestIdFilter
from guards.analyzers.registry import GUARDS
from guards.services.backends.breaker import BreakerPolicy, CircuitBreaker
from tests.support.deploy import ECS_TEMPLATE, ecs_template

TEMPLATE = ecs_template()
RESOURCES = TEMPLATE["Resources"]


def of_type(kind: str) -> dict[str, dict]:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


def test_each_schedule_runs_a_management_command_that_exists():
    schedules = of_type("AWS::Scheduler::Schedule")
    commands = {}
    for schedule in schedules.values():
        target = schedule["Properties"]["Target"]
        assert "Input" not in target  # the task definition fixes the command; no overrides needed
        task = RESOURCES[target["EcsParameters"]["TaskDefinitionArn"]["Ref"]]
        (container,) = task["Properties"]["ContainerDefinitions"]
        role, command = container["Command"]
        assert role == "manage"
        commands[command] = schedule["Properties"]["ScheduleExpression"]
        # The scheduler's role may run exactly these task definitions.
        policy = RESOURCES["SchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
        assert any(task["Properties"]["Family"] in r["Fn::Sub"] for r in policy["Resource"])
    assert set(commands) == {"flush_usage", "report_usage", "prune_guard_requests", "prune_webhook_events"}
    assert set(commands) <= set(get_commands())
    assert commands["flush_usage"] == {"Ref": "FlushUsageRate"}
    params = TEMPLATE["Parameters"]
    assert params["FlushUsageRate"]["Default"] == "rate(5 minutes)"
    assert commands["report_usage"] == {"Ref": "ReportUsageRate"}
    # Usage reaches Stripe only once billing is configured: its schedule has its own switch.
    assert RESOURCES["ReportUsageSchedule"]["Properties"]["State"] == {"Ref": "ReportUsageState"}
    assert params["ReportUsageState"]["Default"] == "DISABLED"
    assert params["PruneCron"]["Default"].startswith("cron(")


def test_the_gateway_scales_on_cpu_and_requests_between_parameterised_bounds():
    (target,) = of_type("AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert target["Properties"]["MinCapacity"] == {"Ref": "MinTasks"}
    assert target["Properties"]["MaxCapacity"] == {"Ref": "MaxTasks"}
    metrics = {p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
               ["PredefinedMetricType"] for p in of_type("AWS::ApplicationAutoScaling::ScalingPolicy").values()}
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}
    assert "DesiredCount" not in RESOURCES["Service"]["Properties"]  # a stack update must not undo scaling


def test_alarms_cover_errors_latency_breakers_and_readiness():
    alarms = of_type("AWS::CloudWatch::Alarm")
    watched = set()
    for alarm in alarms.values():
        props = alarm["Properties"]
        if "MetricName" in props:
            watched.add(props["MetricName"])
        for metric in props.get("Metrics", []):
            if "MetricStat" in metric:
                watched.add(metric["MetricStat"]["Metric"]["MetricName"])
    assert {"HTTPCode_Target_5XX_Count", "RequestCount", "TargetResponseTime", "BreakerOpen",
            "UnHealthyHostCount", "ReadinessCheckFailed"} <= watched
    latency = next(a for a in alarms.values() if a["Properties"].get("MetricName") == "TargetResponseTime")
    assert latency["Properties"]["ExtendedStatistic"] == "p95"


def test_remote_guards_are_chosen_per_guard_and_found_through_cloud_map():
    stacks = of_type("AWS::CloudFormation::Stack")
    by_guard = {s["Properties"]["Parameters"]["GuardName"]: s for s in stacks.values()}
    assert set(by_guard) == set(GUARDS)
    for guard, stack in by_guard.items():
        assert stack["Properties"]["Parameters"]["Port"] == GUARDS[guard].port
        condition = TEMPLATE["Conditions"][stack["Condition"]]
        assert condition == {"Fn::Equals": [{"Ref": f"{guard.capitalize()}Remote"}, "true"]}
        assert (ECS_TEMPLATE.parent / stack["Properties"]["TemplateURL"]).is_file()
    assert RESOURCES["GuardNamespace"]["Type"] == "AWS::ServiceDiscovery::PrivateDnsNamespace"


# CloudWatch Logs JSON filter patterns of the simple form the template uses: { $.a = "x" && $.b = "y" }.
_TERM = re.compile(r'\$\.(\w+)\s*=\s*"([^"]*)"')


def filter_matches(pattern: str, line: str) -> bool:
    body = pattern.strip().removeprefix("{").removesuffix("}")
    terms = [t.strip() for t in body.split("&&")]
    event = json.loads(line)
    for term in terms:
        field, value = _TERM.fullmatch(term).groups()  # type: ignore[union-attr]
        if str(event.get(field)) != value:
            return False
    return True


def json_log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter, request_ids = JsonFormatter(), RequestIdFilter()
    lines = []
    for record in caplog.records:
        request_ids.filter(record)
        lines.append(formatter.format(record))
    return lines


def metric_filter(metric: str) -> str:
    (found,) = [r["Properties"]["FilterPattern"] for r in of_type("AWS::Logs::MetricFilter").values()
                if r["Properties"]["MetricTransformations"][0]["MetricName"] == metric]
    return found


def test_the_breaker_open_filter_matches_what_the_gateway_logs(caplog):
    caplog.set_level(logging.WARNING)
    breaker = CircuitBreaker(91_001, "remote-tokenguard", BreakerPolicy(failures=2, window=30, cooldown=5))
    breaker.reset()
    breaker.record_failure()
    assert not [line for line in json_log_lines(caplog) if filter_matches(metric_filter("BreakerOpen"), line)]
    assert breaker.record_failure() == "open"
    matched = [line for line in json_log_lines(caplog) if filter_matches(metric_filter("BreakerOpen"), line)]
    assert len(matched) == 1
    assert json.loads(matched[0])["breaker_backend"] == "remote-tokenguard"


def test_the_readiness_filter_matches_what_a_failing_check_logs(caplog):
    caplog.set_level(logging.WARNING)

    def database() -> None:
        raise ConnectionError("no route to host")

    def cache() -> None:
        return None

    results = run_checks({"database": database, "cache": cache}, timeout=2.0)
    assert results["database"]["status"] == "error"
    pattern = metric_filter("ReadinessCheckFailed")
    matched = [line for line in json_log_lines(caplog) if filter_matches(pattern, line)]
    assert len(matched) == 1
