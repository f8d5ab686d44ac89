"""Production logs are JSON lines without personal data: no exception messages, no unlisted extras, no queries."""

import io
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import structlog

from routeplus.ops.logs import GunicornJsonLogger, json_formatter


def json_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    factory = json_formatter().copy()
    formatter = factory.pop("()")(**factory)
    handler.setFormatter(formatter)
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_exception_is_logged_as_type_and_frames_without_its_message() -> None:
    logger, stream = json_logger("test.ops.exc")
    try:
        raise ValueError('duplicate key value: Key (bsn)=(123456782) already exists for "Yara Oosterhof"')
    except ValueError:
        logger.exception("import failed", extra={"rows": 12})
    [line] = lines(stream)
    assert line["msg"] == "import failed"
    assert line["level"] == "error"
    assert line["rows"] == 12
    assert line["exception"]["type"] == "builtins.ValueError"
    assert any("test_logs.py" in frame for frame in line["exception"]["frames"])
    text = stream.getvalue()
    assert "123456782" not in text and "Oosterhof" not in text


def test_only_whitelisted_extra_fields_are_written() -> None:
    logger, stream = json_logger("test.ops.extra")
    request = SimpleNamespace(POST={"q": "Yara"}, user="school@demo.routeplus.nl")
    logger.warning("Bad request", extra={"status_code": 400, "request": request, "full_name": "Yara Oosterhof"})
    [line] = lines(stream)
    assert line["status_code"] == 400
    assert "request" not in line and "full_name" not in line
    assert "Yara" not in stream.getvalue()


def test_structlog_loggers_write_to_the_same_json_stream() -> None:
    from routeplus.ops.logs import configure_structlog

    configure_structlog()
    _, stream = json_logger("test.ops.structlog")
    structlog.get_logger("test.ops.structlog").info("task done", task="heartbeat")
    [line] = lines(stream)
    assert line["msg"] == "task done"
    assert line["task"] == "heartbeat"
    assert line["logger"] == "test.ops.structlog"
    assert "ts" in line


def test_gunicorn_access_line_has_no_query_string_address_or_user_agent() -> None:
    access = GunicornJsonLogger.__new__(GunicornJsonLogger)
    access.access_log, stream = json_logger("test.ops.access")
    access._access_log_enabled = True
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/dossier/6f1c1b7e-0d44-4c4e-9a37-2c2b6f0d9a10/",
        "QUERY_STRING": "q=Yara",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", sent=512)
    access.access(response, None, environ, timedelta(milliseconds=42))
    [line] = lines(stream)
    assert line["event_kind"] == "access"
    assert line["path"] == "/dossier/6f1c1b7e-0d44-4c4e-9a37-2c2b6f0d9a10/"
    assert line["status_code"] == 200 and line["bytes"] == 512 and line["duration_ms"] == 42.0
    text = stream.getvalue()
    assert "Yara" not in text and "192.0.2.7" not in text and "Firefox" not in text
