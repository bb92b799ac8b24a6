"""A throw-away PostgreSQL server for tests: ``initdb`` of a new cluster in a temporary folder,
started on a free localhost port, stopped and deleted afterwards.

The server binaries come from Debian's ``postgresql`` package, which ``.ci/run`` installs when
absent (as it installs chromium); a machine without them fails the test with that instruction,
never skips it. PostgreSQL refuses to run as root, and CI runs as root: there the cluster belongs
to the package's ``postgres`` system user and the server commands run through ``runuser``. The
clients (``createdb``, ``psql``, Dagster) connect over TCP on 127.0.0.1 with a password
(scram-sha-256), as a deployment's would.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scl_pipeline_tests.e2e.dagster_dev import free_port

SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")
_INSTALL_HINT = (
    "install Debian's PostgreSQL server (`apt-get install postgresql`, as .ci/run does when it is absent)"
)


def server_bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's newest
    /usr/lib/postgresql/<major>/bin."""
    found = [shutil.which(tool) for tool in SERVER_TOOLS]
    if all(found):
        return Path(os.path.realpath(found[0])).parent
    debian = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if all((p / t).exists() for t in SERVER_TOOLS)),
        key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0),
    )
    if not debian:
        raise AssertionError(f"no PostgreSQL server binaries ({', '.join(SERVER_TOOLS)}) found: {_INSTALL_HINT}")
    return debian[-1]


class PostgresServer:
    """``with PostgresServer() as pg: pg.env`` (host, port, database, user, password) ``pg.psql(sql)``."""

    def __init__(self, database: str = "scl_dagster", user: str = "scl_dagster") -> None:
        self.database, self.user = database, user
        self.password = secrets.token_hex(16)
        self.port = free_port()
        self.bin = server_bin_dir()
        self.setup_seconds = 0.0
        self._owner = "postgres" if os.geteuid() == 0 else None

    @property
    def env(self) -> dict[str, str]:
        """The connection as deploy/dagster.yaml reads it (plus the port, which the deploy file fixes at 5432)."""
        return {
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_DB": self.database,
            "DAGSTER_PG_USERNAME": self.user,
            "DAGSTER_PG_PASSWORD": self.password,
        }

    def _server(self, *argv: str, timeout: float = 120) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if self._owner:
            command = ["runuser", "-u", self._owner, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.folder)
        if done.returncode != 0:
            log = self.log.read_text()[-3000:] if self.log.exists() else ""
            raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n{log}")

    def _client_env(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"}

    def _client(self, tool: str) -> str:
        path = self.bin / tool
        return str(path) if path.exists() else (shutil.which(tool) or tool)

    def __enter__(self) -> PostgresServer:
        started = time.monotonic()
        # Under /tmp, not pytest's 0700 tmp_path: the postgres user must reach the folder.
        self.folder = Path(tempfile.mkdtemp(prefix="scl-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "server.log"
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self._owner:
            try:
                owner = pwd.getpwnam(self._owner)
            except KeyError:
                raise AssertionError(f"running as root and no '{self._owner}' user exists: {_INSTALL_HINT}") from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        try:
            self._server(
                "initdb", "-D", str(self.data), "-U", self.user, f"--pwfile={password_file}", "-E", "UTF8",
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--no-instructions",
            )
            password_file.unlink()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
            self._server("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")
            created = subprocess.run(
                [self._client("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, self.database],
                capture_output=True, text=True, timeout=60, env=self._client_env(),
            )
            assert created.returncode == 0, f"createdb failed: {created.stderr}"
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.setup_seconds = time.monotonic() - started
        return self

    def __exit__(self, *exc) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._server("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
            except AssertionError:
                pass  # the folder goes anyway; a server that will not stop is reported by pg_ctl's log
        shutil.rmtree(self.folder, ignore_errors=True)

    def psql(self, sql: str) -> list[list[str]]:
        """Rows of ``sql`` as text, run by ``psql`` over TCP with the password."""
        done = subprocess.run(
            [self._client("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", self.database,
             "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=60, env=self._client_env(),
        )
        assert done.returncode == 0, f"psql failed on {sql!r}: {done.stderr}"
        return [line.split("\t") for line in done.stdout.splitlines() if line]
