#!/bin/sh
# Parameters arrive in a YAML file whose path is in ATTUNE_PARAMETER_FILE.
set -eu
params=${ATTUNE_PARAMETER_FILE:?parameter file not provided}
host=$(sed -n 's/^host: *//p' "$params")
service=$(sed -n 's/^service: *//p' "$params")
version=$(sed -n 's/^version: *//p' "$params")
ssh "deploy@${host}" "sudo /usr/local/bin/install-service '${service}' '${version}' && sudo systemctl restart '${service}'"
printf '{"host": "%s", "deployed_version": "%s"}\n' "$host" "$version"
