"""The deployment of docs/scaling.md as processes on this machine: a Dagster instance from
``deploy/dagster.yaml`` on a real PostgreSQL, the code location's gRPC server, ``dagster-daemon``
and ``dagster-webserver`` loading it through ``deploy/workspace.yaml``, driven through the GraphQL
API the UI uses (the methods of :class:`DagsterDev`).

What differs from the deploy files, and only that: the run launcher is Dagster's default (each
run a process of the code server) instead of ``DockerRunLauncher``, since CI has no Docker
daemon; PostgreSQL listens on a free port instead of 5432; the code server is on 127.0.0.1 and a
free port instead of ``scl_code_location:4000``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from scl_pipeline_tests.e2e.dagster_dev import ROOT, DagsterDev, free_port
from scl_pipeline_tests.helpers.postgres import PostgresServer

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
SENSOR_QUERY = """query Sensor($selector: SensorSelector!) { sensorOrError(sensorSelector: $selector) {
  __typename ... on Sensor { name sensorState { id status } } ... on PythonError { message } } }"""
STOP_SENSOR = """mutation Stop($id: String!) { stopSensor(id: $id) { __typename
  ... on StopSensorMutationResult { instigationState { status } } ... on PythonError { message } } }"""


def deploy_instance(pg_port: int) -> dict:
    """deploy/dagster.yaml with the default run launcher and the test server's port."""
    config = yaml.safe_load((DEPLOY / "dagster.yaml").read_text())
    assert config["run_launcher"]["class"] == "DockerRunLauncher", config["run_launcher"]
    del config["run_launcher"]
    config["storage"]["postgres"]["postgres_db"]["port"] = pg_port
    return config


def deploy_workspace(code_port: int) -> dict:
    """deploy/workspace.yaml pointing at the test's code server."""
    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
    (entry,) = workspace["load_from"]
    entry["grpc_server"].update(host="127.0.0.1", port=code_port)
    return workspace


class DeployedDagster(DagsterDev):
    """``with DeployedDagster(home, env, logs, pg) as d: d.graphql(...)``; stops its process groups."""

    def __init__(self, home: Path, env: dict[str, str], logs: Path, pg: PostgresServer) -> None:
        super().__init__(home, {**env, **pg.env}, logs / "webserver.log")
        self.logs, self.pg = logs, pg
        self.code_port = free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self._outs: list = []

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        out = (self.logs / f"{name}.log").open("w")
        self._outs.append(out)
        env = {
            **os.environ, **self.env,
            "DAGSTER_HOME": str(self.home), "PYTHONPATH": str(ROOT), "DAGSTER_DISABLE_TELEMETRY": "yes",
        }
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def __enter__(self) -> DeployedDagster:
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        (self.home / "dagster.yaml").write_text(yaml.safe_dump(deploy_instance(self.pg.port)))
        workspace = self.home / "workspace.yaml"
        workspace.write_text(yaml.safe_dump(deploy_workspace(self.code_port)))
        try:
            # As deploy/workspace.yaml's comment starts it, on loopback.
            self._start("code_server", [str(BIN / "dagster"), "code-server", "start", "-h", "127.0.0.1",
                                        "-p", str(self.code_port), "-m", "scl_pipeline.definitions",
                                        "--location-name", "scl_pipeline"])
            self._wait_for_code_server()
            self._start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)])
            self.proc = self._start("webserver", [str(BIN / "dagster-webserver"), "-w", str(workspace),
                                                  "-h", "127.0.0.1", "-p", str(self.port)])
            self._wait_until_loaded(timeout=180)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_for_code_server(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._alive()
            check = subprocess.run(
                [str(BIN / "dagster"), "api", "grpc-health-check", "--host", "127.0.0.1", "--port", str(self.code_port)],
                capture_output=True, text=True, timeout=60,
            )
            if check.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"code server not serving after {timeout}s:\n{self.tail('code_server')}")
            time.sleep(1)

    def __exit__(self, *exc) -> None:
        for name in ("webserver", "daemon", "code_server"):
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            pgid = os.getpgid(proc.pid)
            os.killpg(pgid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(pgid, signal.SIGKILL)  # stragglers: run workers of the code server
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        for out in self._outs:
            out.close()

    def tail(self, name: str, chars: int = 4000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text()[-chars:] if path.exists() else ""

    def _alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited ({proc.returncode}):\n{self.tail(name)}")

    def sensor_state(self, name: str) -> dict:
        selector = {"repositoryLocationName": "scl_pipeline", "repositoryName": "__repository__", "sensorName": name}
        result = self.graphql(SENSOR_QUERY, {"selector": selector})["sensorOrError"]
        assert result["__typename"] == "Sensor", result
        return result["sensorState"]

    def stop_sensor(self, name: str) -> str:
        """Switch a sensor off as the UI's toggle does; returns its new status."""
        result = self.graphql(STOP_SENSOR, {"id": self.sensor_state(name)["id"]})["stopSensor"]
        assert result["__typename"] == "StopSensorMutationResult", result
        return result["instigationState"]["status"]
