#!/usr/bin/env bash
# Reproduces benchmarks/RESULTS.md: builds the agent and the harness, then runs every configuration
# in alternating rounds. Takes about an hour and a half on a 2-core machine; keep the machine otherwise idle.
# Extra arguments go to the harness (see --help), e.g. --rounds 1 --workloads huc-get for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package -pl agent,benchmarks -am
exec java -jar benchmarks/target/connscope-benchmarks.jar "$@"
