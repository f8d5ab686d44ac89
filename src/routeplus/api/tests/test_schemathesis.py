"""schemathesis against the live API on loopback: zero server errors, zero responses that break the schema.

Bounded: a fixed number of examples per operation and a fixed seed, so CI time stays at a couple of minutes.
The user is a case lead on a real case whose identifiers are in the schema's examples' reach (list endpoints
return real rows; random identifiers exercise the door's 404).
"""

import subprocess
import sys
from pathlib import Path

import pytest

from routeplus.api.tests.conftest import issue
from routeplus.testing.factories import TrajectoryFactory, on_team

MAX_EXAMPLES = 10
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_errors_or_schema_violations(live_server, case_lead, tmp_path):
    assert live_server.url.startswith("http://localhost") or live_server.url.startswith("http://127.0.0.1")
    on_team(case_lead, TrajectoryFactory())
    secret = issue(case_lead)
    binary = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(  # noqa: S603 (our own tool, fixed arguments, loopback only)
        [
            str(binary),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            CHECKS,
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20260101",
            "--generation-deterministic",
            "--request-timeout",
            "20",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    output = result.stdout + result.stderr
    (tmp_path / "schemathesis.txt").write_text(output)
    assert result.returncode == 0, output[-6000:]
    assert "passed" in output.lower()
