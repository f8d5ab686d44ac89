"""Tools for the fault and restore drills and their tests: a cuttable TCP proxy, a throwaway PostgreSQL
cluster, and a loopback server process. Never imported by the running application.

Everything binds to 127.0.0.1 only and cleans up after itself: the drills run on machines where other
people's databases live, so nothing here touches the shared PostgreSQL server except creating and dropping
databases whose names the caller chooses.
"""

import contextlib
import os
import pwd
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that running children are killed (subprocess.run does that on any
    exception) and `finally` blocks drop the drill's databases: a stopped drill leaves nothing behind."""
    import signal

    def _exit(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class TcpProxy:
    """Forwards 127.0.0.1:port to an upstream address; `cut()` drops every connection and refuses new ones
    (as a dead database host does), `restore()` accepts again on the same port."""

    def __init__(self, upstream_port: int, upstream_host: str = LOOPBACK, port: int | None = None) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def start(self) -> "TcpProxy":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        listener.listen(64)
        self._listener = listener
        self._stopping.clear()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 0.5)
                if self._stopping.is_set() and not readable:
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()
                with self._lock:
                    self._sockets.discard(sock)

    def cut(self) -> None:
        """Refuse new connections and end the open ones now.

        shutdown() acts at once even while another thread sits in accept() or select() on the socket (a bare
        close() would wait for that thread to let go, letting a request or two through after the cut).
        """
        self._stopping.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets = list(self._sockets)
            self._sockets.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def restore(self) -> None:
        self.start()

    def stop(self) -> None:
        self.cut()


def pg_bin(name: str) -> str:
    """A PostgreSQL server program from Debian's versioned directory (they are not on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    raise FileNotFoundError(f"PostgreSQL program {name} not found (Debian: postgresql).")


@dataclass
class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temporary directory on a loopback port, started and stopped at will.

    Used where a drill must stop the database server: the shared server on 5432 is never stopped.
    Runs as the `postgres` OS user when started as root (initdb refuses root).
    """

    port: int = field(default_factory=free_port)
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="rp-drill-pg-")))

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        kwargs: dict[str, Any] = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            kwargs["user"] = user.pw_uid
            kwargs["group"] = user.pw_gid
            kwargs["extra_groups"] = []
        return subprocess.run(command, capture_output=True, text=True, check=check, **kwargs)  # noqa: S603

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def init(self) -> "ThrowawayPostgres":
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nlisten_addresses = '{LOOPBACK}'\nport = {self.port}\nunix_socket_directories = '{self.directory}'\n"
                "fsync = on\nmax_connections = 50\n"
            )
        return self

    def start(self) -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is a crash from the clients' point of view: no goodbye to open connections."""
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/{dbname}"

    def createdb(self, name: str) -> None:
        self._run(pg_bin("createdb"), "-h", LOOPBACK, "-p", str(self.port), "-U", "postgres", name)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def shared_pg_admin(url: str, *statements: str) -> None:
    """Run administrative statements (CREATE/DROP DATABASE) on a PostgreSQL server's `postgres` database."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"] or LOOPBACK,
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as connection:
        for statement in statements:
            connection.execute(statement)


def routeplus_command(
    *args: str, env: dict[str, str], check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `routeplus ARGS` with this interpreter, so that the same virtualenv and source tree are used."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "routeplus", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"routeplus {' '.join(args)} exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return result


PROJECT_DIR = Path(__file__).resolve().parents[3]


def static_files(var_dir: Path, env: dict[str, str]) -> str:
    """Give a drill's server (ROUTEPLUS_VAR_DIR=var_dir) its static files, the production way (hashed names and
    compressed copies); says how.

    Collecting and compressing takes minutes on a busy 2-core machine, so the set is collected once into the
    project's var/drill/static and linked in; it is collected again when a static source, the front-end
    packages or the locked dependencies changed since (a missing file would make pages answer 500).
    """
    import fcntl

    var_dir.mkdir(parents=True, exist_ok=True)
    cache_var = PROJECT_DIR / "var" / "drill"
    cache_var.mkdir(parents=True, exist_ok=True)
    manifest = cache_var / "static" / "staticfiles.json"
    sources = [*PROJECT_DIR.glob("src/routeplus/*/static/**/*"), *PROJECT_DIR.glob("node_modules/.installed")]
    sources += [PROJECT_DIR / "requirements" / "lock.txt"]
    with open(cache_var / "static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # drills running side by side collect once
        newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0.0)
        how = "reused"
        if not manifest.exists() or manifest.stat().st_mtime < newest:
            routeplus_command("collectstatic", "--noinput", "-v", "0", env={**env, "ROUTEPLUS_VAR_DIR": str(cache_var)})
            how = "collected"
    (var_dir / "static").symlink_to(cache_var / "static", target_is_directory=True)
    return f"{how} in {cache_var / 'static'}"


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a production-profile process on loopback, plain HTTP (no TLS on loopback)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="routeplus.conf.settings.production",
        DATABASE_URL=database_url,
        SECRET_KEY="drill-" + "x" * 40,
        ALLOWED_HOSTS=f"{LOOPBACK},localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="locmem",
        DB_CONN_MAX_AGE="60",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int = 2,
    port: int | None = None,
    log: Path | None = None,
    extra: tuple[str, ...] = (),
) -> Iterator[str]:
    """Serve routeplus with gunicorn and deploy/gunicorn.conf.py on 127.0.0.1; yields the base URL."""
    port = port or free_port()
    config = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"
    env = {**env, "GUNICORN_BIND": f"{LOOPBACK}:{port}", "WEB_CONCURRENCY": str(workers)}
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(config), *extra, "routeplus.conf.wsgi:application"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{LOOPBACK}:{port}"
    try:
        wait_http(base + "/healthz", timeout=60, process=process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log and hasattr(out, "close"):
            out.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_get(url: str, timeout: float = 10, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """GET without following redirects; returns status (0 when no answer), body and seconds. Loopback only."""
    if not url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError("Drills talk to 127.0.0.1 only.")
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback, checked above
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started
    except OSError:
        return 0, b"", time.monotonic() - started


def wait_http(url: str, *, timeout: float, status: int = 200, process: subprocess.Popen[bytes] | None = None) -> float:
    """Poll until `url` answers `status`; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering")
        if http_get(url, timeout=5)[0] == status:
            return time.monotonic() - started
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer {status} within {timeout} s")
