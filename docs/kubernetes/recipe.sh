#!/usr/bin/env bash
# The steps of docs/kubernetes/Dockerfile and deployment.yaml, without Docker: the jar in a
# directory the application cannot write to, the instrumentation cache prepared ahead as the
# non-root user the application runs as, JAVA_TOOL_OPTIONS, and the report on the only writable
# path. ContainerRecipeIT runs it in CI.
#
# usage: recipe.sh <java> <connscope-agent.jar> <application jar> <root dir> [application args...]
# <root dir> stands for the image's root file system. Run as root, the script runs the application
# as user 65534 (nobody), as a pod would run as 10001; run as another user, as that user.
set -euo pipefail
JAVA=$1; AGENT=$2; APP=$3; ROOT=$4; shift 4

JAR=/opt/connscope/connscope-agent.jar
CACHE=/opt/connscope/cache
REPORT=/tmp/connscope/report.txt

as_app() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi
}

# The image layers: connscope and the application read-only, the cache owned by the application's user.
mkdir -p "$ROOT/opt/connscope" "$ROOT$CACHE" "$ROOT/app" "$ROOT/tmp"
cp "$AGENT" "$ROOT$JAR"
cp "$APP" "$ROOT/app/app.jar"
chmod 444 "$ROOT$JAR" "$ROOT/app/app.jar"
chmod 700 "$ROOT$CACHE"
chmod 1777 "$ROOT/tmp"
if [ "$(id -u)" = 0 ]; then chown 65534:65534 "$ROOT$CACHE"; fi
# Every directory on the way must be traversable by the application's user.
chmod 755 "$ROOT" "$ROOT/opt" "$ROOT/app"

# Image build: prepare the cache as the application's user, then make connscope's directory read-only.
as_app "$JAVA" -jar "$ROOT$JAR" prepare "instrument.cache=$ROOT$CACHE"
chmod 555 "$ROOT/opt/connscope"

# Pod start: only JAVA_TOOL_OPTIONS names connscope.
JAVA_TOOL_OPTIONS="-javaagent:$ROOT$JAR -Dconnscope.instrument.cache=$ROOT$CACHE -Dconnscope.report.file=$ROOT$REPORT" \
  as_app "$JAVA" -jar "$ROOT/app/app.jar" "$@"
