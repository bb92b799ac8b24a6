"""A real ``dagster dev`` (webserver + daemon) on a temporary instance and data lake, driven
through the same GraphQL API the UI uses."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml
from scl_pipeline.lib.project_files import REPO_ROOT

ROOT = REPO_ROOT  # the checkout: subprocesses import scl_pipeline_tests from it

RUNS_QUERY = """
query Runs { runsOrError { __typename ... on Runs { results { runId status creationTime startTime endTime tags { key value } } }
  ... on PythonError { message } } }
"""
LOGS_QUERY = """
query Logs($runId: ID!) { logsForRun(runId: $runId) { __typename
  ... on EventConnection { events { __typename ... on MessageEvent { message }
    ... on ExecutionStepFailureEvent { error { message stack } } } }
  ... on PythonError { message } } }
"""
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DagsterDev:
    """``with DagsterDev(home, env) as dev: dev.graphql(...)``; stops the whole process group.

    The instance is the project's ``dagster_home/dagster.yaml`` with ``pools`` (if given) set in
    its ``concurrency.pools`` section."""

    def __init__(self, home: Path, env: dict[str, str], log: Path, pools: dict | None = None) -> None:
        self.home, self.env, self.log, self.pools = home, env, log, pools or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> DagsterDev:
        self.home.mkdir(parents=True, exist_ok=True)
        settings = yaml.safe_load((ROOT / "dagster_home" / "dagster.yaml").read_text())
        settings.setdefault("concurrency", {}).setdefault("pools", {}).update(self.pools)
        (self.home / "dagster.yaml").write_text(yaml.safe_dump(settings))
        env = {
            **os.environ,
            **self.env,
            "DAGSTER_HOME": str(self.home),
            "PYTHONPATH": str(ROOT),
            "DAGSTER_DISABLE_TELEMETRY": "yes",
        }
        self._out = self.log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            self._wait_until_loaded()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            pgid = os.getpgid(self.proc.pid)
            os.killpg(pgid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(pgid, signal.SIGKILL)  # stragglers: run workers, code server
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        self._out.close()

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = requests.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"dagster dev exited ({self.proc.returncode}):\n{self.log.read_text()[-5000:]}")

    def _wait_until_loaded(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._alive()
            try:
                if requests.get(f"{self.url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"webserver did not answer:\n{self.log.read_text()[-5000:]}")
            time.sleep(0.3)
        query = """query { workspaceOrError { __typename ... on Workspace { locationEntries {
            name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
        while True:
            self._alive()
            entries = self.graphql(query)["workspaceOrError"]["locationEntries"]
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                errors = [e["locationOrLoadError"] for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                if errors:
                    raise AssertionError(f"code location failed to load: {errors}")
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"code location not LOADED: {entries}")
            time.sleep(0.3)

    def runs(self) -> list[dict]:
        data = self.graphql(RUNS_QUERY)["runsOrError"]
        assert data["__typename"] == "Runs", data
        return [{**r, "tags": {t["key"]: t["value"] for t in r["tags"]}} for r in data["results"]]

    def run_log(self, run_id: str) -> str:
        data = self.graphql(LOGS_QUERY, {"runId": run_id})["logsForRun"]
        lines = []
        for event in data.get("events", []):
            if event.get("message"):
                lines.append(f"{event['__typename']}: {event['message']}")
            if event.get("error"):
                lines.append(f"  {event['error']['message']}\n{event['error']['stack']}")
        return "\n".join(lines)

    def failure_report(self) -> str:
        return "\n\n".join(
            f"run {r['runId']} {r['status']} {r['tags']}\n{self.run_log(r['runId'])}"
            for r in self.runs() if r["status"] != "SUCCESS"
        )

    def launch_partition_backfill(self, asset_keys: list[list[str]], partitions: list[str], title: str) -> str:
        mutation = """mutation Launch($params: LaunchBackfillParams!) {
          launchPartitionBackfill(backfillParams: $params) { __typename
            ... on LaunchBackfillSuccess { backfillId } ... on Error { message } } }"""
        params = {"assetSelection": [{"path": k} for k in asset_keys], "partitionNames": partitions, "title": title}
        result = self.graphql(mutation, {"params": params})["launchPartitionBackfill"]
        assert result["__typename"] == "LaunchBackfillSuccess", result
        return result["backfillId"]

    def wait_for_backfill(self, backfill_id: str, timeout: float) -> str:
        query = """query Backfill($id: String!) { partitionBackfillOrError(backfillId: $id) { __typename
            ... on PartitionBackfill { status } ... on Error { message } } }"""
        deadline = time.monotonic() + timeout
        while True:
            self._alive()
            result = self.graphql(query, {"id": backfill_id})["partitionBackfillOrError"]
            status = result.get("status")
            if status not in (None, "REQUESTED", "CANCELING", "FAILING"):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"backfill {backfill_id} still {status} after {timeout}s\n{self.failure_report()}")
            time.sleep(0.5)
