"""The session store (SESSION_ENGINE): Django's database sessions, read with one compiled statement.

Every request of a logged-in user starts by reading its session row; Django's store builds and compiles that
query each time, about a third of a millisecond, more than PostgreSQL needs to answer it. This store reads
the row by its key with SQL compiled once per worker (conf.compiled) and checks the expiry date itself, which
gives the same answer as Django's `expire_date > now` in the query. Writing, creating and deleting sessions,
and `clearsessions`, are Django's.
"""

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from routeplus.conf.compiled import CompiledQuery

_SESSION = CompiledQuery(lambda *, session_key: Session.objects.filter(session_key=session_key)[:1], session_key=str)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        session = _SESSION.first(session_key=self.session_key)
        if session is None or session.expire_date <= timezone.now():
            # As Django's store: an unknown or expired key is dropped, and a new one is made when data is saved.
            self._session_key = None
            return None
        return session
