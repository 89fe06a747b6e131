"""A real Postgres for the tests and the bench: the server at PLACEMENT_TEST_DATABASE_URL, or
else a private throwaway cluster started from the Postgres binaries on this machine (PATH,
then Debian's /usr/lib/postgresql/*/bin): initdb into a temporary folder, listening on
127.0.0.1 only, on a free port, with its unix socket in that folder too. Postgres refuses to
run as root, so as root the cluster belongs to, and runs as, the `postgres` user."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

URL_VARIABLE = "PLACEMENT_TEST_DATABASE_URL"
DEBIAN_BINARIES = "/usr/lib/postgresql/*/bin"
SUPERUSER = "placement"
SERVER_USER = "postgres"  # who runs the server when this process is root
START_SECONDS = 60


class PostgresUnavailable(Exception):
    """No server was given and none can be started here; the message says what is missing."""


def find_binaries() -> str | None:
    """The folder holding initdb and pg_ctl: the one on PATH, else the newest Debian one."""
    on_path = shutil.which("initdb")
    if on_path:
        folder = os.path.dirname(os.path.realpath(on_path))
        if os.access(os.path.join(folder, "pg_ctl"), os.X_OK):
            return folder
    found = [os.path.dirname(initdb) for initdb in glob.glob(os.path.join(DEBIAN_BINARIES, "initdb"))]
    return max(found, key=_major_version, default=None)


def _major_version(folder: str) -> int:
    name = os.path.basename(os.path.dirname(folder))
    return int(name) if name.isdigit() else 0


class PostgresServer:
    """A server the tests may create and drop databases on (its URL's user must be allowed to)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"placement_test_{uuid.uuid4().hex[:12]}"
        self._run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return database_url(self.url, name)

    def drop_database(self, url: str) -> None:
        # FORCE: a replica killed mid-test may have left its connections open.
        self._run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(urlsplit(url).path.lstrip("/"))))

    def stop(self) -> None:
        """A server given from outside keeps running."""

    def _run(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(statement)


class ThrowawayCluster(PostgresServer):
    """A cluster of its own in a temporary folder, removed with it at `stop()`."""

    def __init__(self, binaries: str, durable: bool = False) -> None:
        self._binaries = binaries
        self._folder = tempfile.mkdtemp(prefix="placement-pg-")
        self._as_server_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self._folder, account.pw_uid, account.pw_gid)
            self._as_server_user = ["runuser", "-u", SERVER_USER, "--"]
        self._data = os.path.join(self._folder, "data")
        self._log = os.path.join(self._folder, "server.log")
        self._running = False
        try:
            self._pg(["initdb", "-D", self._data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C",
                      *([] if durable else ["--no-sync"])])
            port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -k {self._folder}" + ("" if durable else " -c fsync=off")
            self._pg(["pg_ctl", "-D", self._data, "-l", self._log, "-o", options, "-w", "-t", str(START_SECONDS), "start"])
        except subprocess.CalledProcessError as failure:
            self.stop()
            raise RuntimeError(f"could not start a Postgres cluster with {binaries}: {failure.stderr or failure.stdout}") from None
        self._running = True
        super().__init__(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres")

    @property
    def server_pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        with open(os.path.join(self._data, "postmaster.pid")) as pid_file:
            return int(pid_file.readline())

    def stop(self) -> None:
        if self._running:
            self._pg(["pg_ctl", "-D", self._data, "-m", "immediate", "-w", "stop"])
            self._running = False
        shutil.rmtree(self._folder, ignore_errors=True)

    def _pg(self, command: list[str]) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        subprocess.run([*self._as_server_user, os.path.join(self._binaries, command[0]), *command[1:]], check=True,
                       capture_output=True, text=True, env=environment, cwd=self._folder, timeout=START_SECONDS * 2)


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def postgres_server(durable: bool = False) -> PostgresServer:
    """The server at PLACEMENT_TEST_DATABASE_URL, or a throwaway cluster (stop it when done).
    `durable`: with fsync on, as in production (the bench); the tests need not wait for disks."""
    given = os.environ.get(URL_VARIABLE, "").strip()
    if given:
        return PostgresServer(given)
    binaries = find_binaries()
    if binaries is None:
        raise PostgresUnavailable(
            f"no Postgres: {URL_VARIABLE} is not set and no Postgres server binaries (initdb, pg_ctl) are on PATH "
            f"or in {DEBIAN_BINARIES} (Debian: apt-get install postgresql)")
    return ThrowawayCluster(binaries, durable)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
