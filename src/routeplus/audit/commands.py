"""Management commands go to the access log: who ran which command, when, and whether it succeeded.

Commands of routeplus's own apps and Django's commands that touch accounts or data are logged; the
arguments are not (they may hold an e-mail address or a file with personal data). If the entry cannot be
written, the command does not run (fail closed).
"""

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand

from routeplus.audit.models import Action, Result
from routeplus.audit.services import Origin, access_log_append

LOGGED_DJANGO_COMMANDS = frozenset(
    {"createsuperuser", "changepassword", "shell", "dbshell", "flush", "loaddata", "dumpdata", "axes_reset",
     "axes_reset_ip", "axes_reset_username", "clearsessions"}
)  # fmt: skip
_installed = False


def _command_name(command: BaseCommand) -> str:
    return command.__class__.__module__.rsplit(".", 1)[-1]


def _is_logged(command: BaseCommand) -> bool:
    # A command that must run without the database (a restore into an empty one) sets
    # `access_log_exempt = True` and says why beside it.
    if getattr(command, "access_log_exempt", False):
        return False
    module = command.__class__.__module__
    return module.startswith("routeplus.") or _command_name(command) in LOGGED_DJANGO_COMMANDS


def install_command_logging() -> None:
    global _installed
    if _installed:
        return
    original = BaseCommand.execute

    def execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        if not _is_logged(self):
            return original(self, *args, **options)
        origin = Origin(ip_address="local", user_agent=f"command:{_operator()}"[:200])
        name = _command_name(self)
        access_log_append(actor=None, action=Action.COMMAND, result=Result.ALLOWED, origin=origin,
                          object_type="command", object_ref=name, purpose="started")  # fmt: skip
        try:
            outcome = original(self, *args, **options)
        except BaseException:
            access_log_append(actor=None, action=Action.COMMAND, result=Result.REFUSED, origin=origin,
                              object_type="command", object_ref=name, purpose="failed")  # fmt: skip
            raise
        access_log_append(actor=None, action=Action.COMMAND, result=Result.ALLOWED, origin=origin,
                          object_type="command", object_ref=name, purpose="finished")  # fmt: skip
        return outcome

    BaseCommand.execute = execute  # type: ignore[method-assign]
    _installed = True


def _operator() -> str:
    """The operating-system account that ran the command (no personal data beyond the account name)."""
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
