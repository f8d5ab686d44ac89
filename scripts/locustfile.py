"""The load-test mix (run by scripts/load.py): professionals reading case files and worklists, some searches,
some writes. Every simulated user has a session of its own, logged in with both factors (made by load.py the
way the test suite makes one); requests go to 127.0.0.1 only, as from the TLS-terminating proxy
(X-Forwarded-Proto: https), so the production settings' Secure cookies and CSRF checks apply unchanged.

Mix per user (weights): case-file pages 50, caseload 15, worklist 15, name search 10, recording a contact 10
(the searches and contacts go through the normal forms, with the CSRF token read from the page).
Every request counts: a 4xx or 5xx answer, no answer, or a redirect to the login steps is an error, and a
write must answer with its redirect (routeplus.ops.loadreport.request_error). Each request is written as one
sample line to LOAD_SAMPLES; load.py computes the report from those.
"""

import itertools
import json
import os
import random
import re
from datetime import datetime
from http.cookiejar import Cookie, DefaultCookiePolicy
from typing import Any
from urllib.request import Request

from locust import HttpUser, constant_throughput, events, task

from routeplus.ops.loadreport import Sample, request_error

DATA = json.loads(open(os.environ["LOAD_DATA"]).read())  # noqa: SIM115
SAMPLES = open(os.environ["LOAD_SAMPLES"], "a", buffering=1)  # noqa: SIM115 - open for the whole run
SESSIONS = itertools.cycle(DATA["sessions"])
SECTIONS = ["", "contacten/", "tijdlijn/", "plan/", "resultaten/"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_NAMES = ["Daan", "Emma", "Bosma", "Mulder", "Sara", "Hoving", "Levi", "Yilmaz"]


class CookiesKeptByHand(DefaultCookiePolicy):
    """The production cookies are Secure (__Host-sessionid, __Host-csrftoken) and requests would never send
    them over loopback HTTP. So the user's jar takes no cookie from a response by itself; Professional keeps
    them by hand as plain cookies (_keep_cookies), standing for what the browser sends through the proxy."""

    def set_ok(self, cookie: Cookie, request: Request) -> bool:
        return False


@events.init.add_listener
def _loopback_only(environment: Any, **_kwargs: Any) -> None:
    if not (environment.host or "").startswith("http://127.0.0.1:"):
        raise SystemExit("The load test talks to 127.0.0.1 only.")


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, response: Any = None, **_kwargs: Any) -> None:
    error = ""
    if exception is not None:
        # A failure() of ours carries request_error()'s reason; anything else is locust's (no answer, ...).
        status = getattr(response, "status_code", 0) or 0
        error = (str(exception)[:80] or "error") if status else "no answer"
    SAMPLES.write(Sample(name=name, ms=response_time, error=error).to_line() + "\n")


class Professional(HttpUser):
    wait_time = constant_throughput(float(os.environ.get("LOAD_RPS_PER_USER", "2")))

    def on_start(self) -> None:
        session = next(SESSIONS)
        self.trajectories = DATA["trajectories"][session["trajectories"]]
        self.client.cookies.set_policy(CookiesKeptByHand())
        self.client.cookies.set(DATA["session_cookie"], session["key"], domain="127.0.0.1", path="/")
        self.client.headers["X-Forwarded-Proto"] = "https"

    def _get(self, url: str, name: str | None = None) -> str:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            self._judge(response)
            return str(response.text)

    def _post(self, url: str, form_page: str, data: dict[str, str], name: str) -> None:
        token = CSRF.search(form_page)
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": token.group(1) if token else "", **data},
            headers={"Origin": self.host.replace("http://", "https://")},
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            self._judge(response, expected=(302, 303))

    def _judge(self, response: Any, expected: tuple[int, ...] = ()) -> None:
        for name, value in response.cookies.items():
            self.client.cookies.set(name, value, domain="127.0.0.1", path="/")
        error = request_error(response.status_code, response.headers.get("Location", ""), expected=expected)
        if error:
            response.failure(error)
        else:
            response.success()

    @task(50)
    def case_file(self) -> None:
        section = random.choice(SECTIONS)  # noqa: S311
        self._get(f"/dossier/{random.choice(self.trajectories)}/{section}", name=f"/dossier/[uuid]/{section}")  # noqa: S311

    @task(15)
    def caseload(self) -> None:
        self._get("/jongeren/")

    @task(15)
    def worklist(self) -> None:
        self._get("/werkvoorraad/")

    @task(10)
    def search(self) -> None:
        page = self._get("/jongeren/", name="/jongeren/ (form)")
        self._post("/jongeren/", page, {"q": random.choice(SEARCH_NAMES)}, name="/jongeren/ (search)")  # noqa: S311

    @task(10)
    def record_contact(self) -> None:
        url = f"/dossier/{random.choice(self.trajectories)}/contacten/"  # noqa: S311
        page = self._get(url, name="/dossier/[uuid]/contacten/ (form)")
        self._post(
            url,
            page,
            {
                "at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
                "channel": DATA["contact_channel"],
                "with_whom": DATA["contact_with"],
                "reached": "yes",
                "summary": "Belafspraak (belastingtest)",
                "version": "",
            },
            name="/dossier/[uuid]/contacten/ (record)",
        )
