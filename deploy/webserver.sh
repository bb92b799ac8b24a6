#!/bin/sh
# Start the Dagster UI of a deployment (docs/operations.md, "The UI has no login of its own").
# The UI has no authentication: it listens on the loopback interface only, and people reach it
# through an authenticating reverse proxy on the same host. Only set SCL_UI_HOST to another
# address when that address is reachable by the proxy alone (e.g. a private container network).
# DAGSTER_HOME must hold deploy/dagster.yaml; run from the folder holding deploy/workspace.yaml.
set -eu
exec dagster-webserver \
  --host "${SCL_UI_HOST:-127.0.0.1}" \
  --port "${SCL_UI_PORT:-3000}" \
  --path-prefix "${SCL_UI_PATH_PREFIX:-}" \
  --workspace "${SCL_UI_WORKSPACE:-workspace.yaml}" \
  "$@"
