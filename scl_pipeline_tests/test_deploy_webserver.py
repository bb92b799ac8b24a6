"""deploy/webserver.sh starts the UI on the loopback interface unless told otherwise (issue 22 §4):
run with a stand-in ``dagster-webserver`` on PATH that records the arguments it was given."""

import os
import subprocess

from scl_pipeline.lib.lake import REPO_ROOT

SCRIPT = REPO_ROOT / "deploy" / "webserver.sh"


def _arguments(tmp_path, **env) -> list[str]:
    stand_in = tmp_path / "bin" / "dagster-webserver"
    stand_in.parent.mkdir(exist_ok=True)
    stand_in.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n')
    stand_in.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SCL_UI_")}
    out = subprocess.run(["sh", str(SCRIPT)], env={**clean, "PATH": f"{stand_in.parent}:{os.environ['PATH']}", **env},
                         capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_the_ui_binds_to_localhost_by_default(tmp_path):
    args = _arguments(tmp_path)
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--port") + 1] == "3000"
    assert args[args.index("--workspace") + 1] == "workspace.yaml"


def test_another_address_and_a_path_prefix_are_asked_for_explicitly(tmp_path):
    args = _arguments(tmp_path, SCL_UI_HOST="10.0.0.5", SCL_UI_PATH_PREFIX="/scl")
    assert args[args.index("--host") + 1] == "10.0.0.5"
    assert args[args.index("--path-prefix") + 1] == "/scl"
