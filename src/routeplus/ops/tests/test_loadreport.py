"""The load test's report (routeplus.ops.loadreport): what counts as an error, percentiles, the step-up."""

from pathlib import Path

from routeplus.ops.loadreport import Report, Sample, highest_clean_rate, percentile, read_samples, request_error


def test_a_redirect_to_the_login_steps_is_an_error_and_other_redirects_are_not() -> None:
    assert request_error(302, "/inloggen/?next=/jongeren/") == "redirected to login"
    assert request_error(302, "/inloggen/tweede-stap/?next=/jongeren/") == "redirected to login"
    assert request_error(302, "/jongeren/") == ""
    assert request_error(200) == ""


def test_client_and_server_errors_and_no_answer_are_errors() -> None:
    assert request_error(403) == "status 403"
    assert request_error(503) == "status 503"
    assert request_error(0) == "no answer"


def test_a_write_that_does_not_redirect_is_an_error() -> None:
    # A form answered with 200 is the form shown again with a validation error: nothing was written.
    assert request_error(200, expected=(302, 303)) == "status 200, expected 302 or 303"
    assert request_error(302, "/dossier/x/contacten/", expected=(302, 303)) == ""
    assert request_error(302, "/inloggen/", expected=(302, 303)) == "redirected to login"


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # 1..100, unsorted
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7
    assert percentile([], 95) == 0


def test_report_counts_errors_per_page_and_in_all(tmp_path: Path) -> None:
    samples = [Sample("/jongeren/", float(ms)) for ms in range(1, 11)]
    samples += [Sample("/werkvoorraad/", 900.0, "redirected to login"), Sample("/werkvoorraad/", 30.0)]
    path = tmp_path / "samples.jsonl"
    path.write_text("".join(s.to_line() + "\n" for s in samples))

    report = Report.of(read_samples(path), seconds=4)

    assert report.total.requests == 12
    assert report.total.errors == 1
    assert not report.ok
    assert report.throughput == 3
    assert report.total.p99 == 900
    by_name = {s.name: s for s in report.per_name}
    assert (by_name["/jongeren/"].errors, by_name["/jongeren/"].p50, by_name["/jongeren/"].p95) == (0, 5, 10)
    assert by_name["/werkvoorraad/"].errors == 1
    assert report.error_kinds == {"redirected to login": 1}
    assert "errors 1 ({'redirected to login': 1})" in report.lines()[-1]


def test_a_run_without_requests_is_not_a_pass() -> None:
    assert not Report.of([], seconds=60).ok


def test_highest_clean_rate_stops_at_the_first_failing_step() -> None:
    def clean(rate: int, seconds: int = 10) -> Report:
        return Report.of([Sample("/", 10.0)] * rate * seconds, seconds=seconds)

    failing = Report.of([Sample("/", 10.0), Sample("/", 10.0, "status 500")], seconds=10)
    assert highest_clean_rate([(50, clean(50)), (75, clean(75)), (100, failing), (125, clean(125))]) == 75
    # A step that falls short of its rate (the machine could not keep up) ends the step-up too.
    assert highest_clean_rate([(50, clean(50)), (75, clean(60))]) == 50
    assert highest_clean_rate([(50, failing)]) == 0
