"""The JSON access line is built only when the access logger will write it."""

from __future__ import annotations

import logging
from datetime import timedelta

from gunicorn.config import Config

from aiguardian import serving


def _logger() -> serving.JSONAccessLogger:
    cfg = Config()
    cfg.set("accesslog", "-")
    return serving.JSONAccessLogger(cfg)


def test_no_line_is_built_when_the_access_log_is_silenced(monkeypatch) -> None:
    built: list[int] = []
    monkeypatch.setattr(serving, "access_line", lambda *a: built.append(1) or "{}")
    logger = _logger()
    logger.access_log.setLevel(logging.WARNING)
    logger.access(object(), object(), {}, timedelta(milliseconds=1))
    assert built == []
    logger.access_log.setLevel(logging.INFO)
    logger.access(object(), object(), {}, timedelta(milliseconds=1))
    assert built == [1]
