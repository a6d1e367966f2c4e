#!/usr/bin/env bash
# The Docker engine that scripts/build-image.sh and tests/packaging need, on a machine where none may run yet.
#
#   bash scripts/docker-engine.sh ensure   installs docker.io when docker or dockerd is missing (apt, as root), and
#                                          starts dockerd in the background when `docker info` does not answer, then
#                                          waits until it does
#   bash scripts/docker-engine.sh stop     stops dockerd, but only one this script started
#
# Sourced, it defines docker_engine_ensure and docker_engine_stop. After docker_engine_ensure, DOCKER_ENGINE_STARTED=1
# says that this very call started the engine, so a caller stops it in its trap only then. An engine that already
# answered (Docker Desktop, a systemd service, another user's dockerd, a remote DOCKER_HOST) is used as it is and never
# stopped. The pid file is what marks an engine as ours: `stop` without it leaves the engine alone.
# Where systemd runs the machine and knows docker.service, the engine is started and stopped through it instead.

HARNESS_DOCKERD_PIDFILE=${HARNESS_DOCKERD_PIDFILE:-/run/harness-dockerd.pid}
HARNESS_DOCKERD_LOG=${HARNESS_DOCKERD_LOG:-/var/log/harness-dockerd.log}
DOCKER_ENGINE_STARTED=0

_docker_engine_say() { echo "docker-engine: $*" >&2; }

# Commands that need root run through sudo when we are not root and sudo needs no password.
_docker_engine_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else _docker_engine_say "needs root (or password-less sudo) for: $*"; return 1
  fi
}

docker_engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

_docker_engine_systemd() {
  [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 \
    && systemctl cat docker.service >/dev/null 2>&1
}

_docker_engine_install() {
  command -v docker >/dev/null 2>&1 && command -v dockerd >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    _docker_engine_say "docker or dockerd is missing and there is no apt-get to install docker.io; install Docker"
    return 1
  fi
  _docker_engine_say "installing docker.io"
  # Only when the first try finds no candidate: an update costs more than the install on a machine with fresh lists.
  local apt=(apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 docker.io)
  _docker_engine_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null 2>&1 \
    || { _docker_engine_root apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null 2>&1 \
         && _docker_engine_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null; } \
    || { _docker_engine_say "apt-get install docker.io failed"; return 1; }
}

# Safe under a caller's set -e, like everything here: empty output, not a failure, when there is no pid file.
_docker_engine_pid() { if [ -f "$HARNESS_DOCKERD_PIDFILE" ]; then cat "$HARNESS_DOCKERD_PIDFILE" 2>/dev/null || true; fi; }

_docker_engine_alive() {  # is PID a running dockerd (and not a recycled pid)?
  [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dockerd ]
}

docker_engine_ensure() {
  DOCKER_ENGINE_STARTED=0
  docker_engine_answers && return 0
  _docker_engine_install || return 1
  docker_engine_answers && return 0

  local pid
  if _docker_engine_systemd; then
    _docker_engine_say "starting docker.service"
    _docker_engine_root systemctl start docker.service || return 1
    echo systemd | _docker_engine_root tee "$HARNESS_DOCKERD_PIDFILE" >/dev/null
  else
    pid=$(_docker_engine_pid)
    if _docker_engine_alive "$pid"; then
      _docker_engine_say "dockerd $pid (started here before) does not answer yet; waiting for it"
    else
      # setsid: the engine outlives this shell's job control and is not killed with the caller's process group.
      _docker_engine_root sh -c 'setsid dockerd >>"$1" 2>&1 </dev/null & echo $! >"$2"' sh \
        "$HARNESS_DOCKERD_LOG" "$HARNESS_DOCKERD_PIDFILE" || return 1
      pid=$(_docker_engine_pid)
      _docker_engine_say "started dockerd (pid $pid, log $HARNESS_DOCKERD_LOG)"
    fi
  fi

  local waited=0
  until docker_engine_answers; do
    if [ -n "$pid" ] && ! _docker_engine_alive "$pid"; then
      _docker_engine_say "dockerd exited; the end of $HARNESS_DOCKERD_LOG:"
      tail -n 20 "$HARNESS_DOCKERD_LOG" >&2 2>/dev/null
      _docker_engine_root rm -f "$HARNESS_DOCKERD_PIDFILE"
      return 1
    fi
    if [ "$waited" -ge 600 ]; then
      _docker_engine_say "the engine did not answer within 60 s (log: $HARNESS_DOCKERD_LOG)"
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  DOCKER_ENGINE_STARTED=1
  _docker_engine_say "the engine answers after $((waited / 10)).$((waited % 10)) s"
}

docker_engine_stop() {
  local pid waited=0
  pid=$(_docker_engine_pid)
  if [ -z "$pid" ]; then
    _docker_engine_say "no engine started by this script; nothing stopped"
    return 0
  fi
  if [ "$pid" = systemd ]; then
    _docker_engine_say "stopping docker.service"
    _docker_engine_root systemctl stop docker.socket docker.service
  elif _docker_engine_alive "$pid"; then
    _docker_engine_say "stopping dockerd $pid"
    _docker_engine_root kill -TERM "$pid"
    # dockerd stops its containers (10 s each at most) and its containerd before it exits.
    while _docker_engine_alive "$pid" && [ "$waited" -lt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
    if _docker_engine_alive "$pid"; then
      _docker_engine_say "dockerd $pid still runs after 60 s; killing it"
      _docker_engine_root kill -KILL "$pid"
    fi
  fi
  _docker_engine_root rm -f "$HARNESS_DOCKERD_PIDFILE"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    ensure) docker_engine_ensure ;;
    stop) docker_engine_stop ;;
    *) echo "usage: $0 ensure|stop" >&2; exit 2 ;;
  esac
fi
