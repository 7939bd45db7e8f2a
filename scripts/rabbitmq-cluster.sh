#!/usr/bin/env bash
# A local 3-node RabbitMQ cluster for the cluster specs, beside (never instead of) the machine's
# default broker on 5672, which it does not touch.
#
#   scripts/rabbitmq-cluster.sh start [node]   start every node (or one, e.g. after `kill`) and join them
#   scripts/rabbitmq-cluster.sh stop           stop every node and delete the cluster's state
#   scripts/rabbitmq-cluster.sh kill <node>    SIGKILL one node (1, 2 or 3): a crash, not a shutdown
#   scripts/rabbitmq-cluster.sh status         which nodes run, and the AMQP_URL listing them
#   scripts/rabbitmq-cluster.sh url            the AMQP_URL listing every node
#
# Each node has its own name (rabbit-cluster-<n>@localhost), AMQP port (RABBITMQ_CLUSTER_PORT + n - 1,
# default 5681..5683), distribution port (+20000), config file and data, log and feature-flag
# paths, all under RABBITMQ_CLUSTER_DIR (default: a directory in /tmp, never in the repo). The
# machine's own config pins 5672, hence a config file per node; rabbitmq-server runs as the
# `rabbitmq` user, hence the chown; that user's home holds the Erlang cookie every node shares.
# Needs root (or the rabbitmq user). Management is not enabled: rabbitmqctl is all the specs use.
set -euo pipefail

CLUSTER_DIR="${RABBITMQ_CLUSTER_DIR:-${TMPDIR:-/tmp}/checkout-platform-rabbitmq-cluster}"
BASE_PORT="${RABBITMQ_CLUSTER_PORT:-5681}"
NODES=(1 2 3)
RABBIT_HOME=$(getent passwd rabbitmq | cut -d: -f6)

node_name() { echo "rabbit-cluster-$1@localhost"; }
amqp_port() { echo $((BASE_PORT + $1 - 1)); }
node_dir() { echo "$CLUSTER_DIR/node-$1"; }
pid_of() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }
is_running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# rabbitmqctl as the rabbitmq user, so it presents the same cookie as the nodes.
ctl() {
  local node=$1; shift
  runuser -u rabbitmq -- env HOME="$RABBIT_HOME" RABBITMQ_CONF_ENV_FILE="$(node_dir "$node")/rabbitmq-env.conf" \
    /usr/lib/rabbitmq/bin/rabbitmqctl -n "$(node_name "$node")" "$@"
}

prepare_node() {
  local n=$1 dir; dir=$(node_dir "$n")
  mkdir -p "$dir/data" "$dir/log"
  cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.local = 127.0.0.1:$(amqp_port "$n")
# Quorum queues keep their members on disk; the specs' queues are small.
disk_free_limit.absolute = 200MB
EOF
  # Replaces /etc/rabbitmq/rabbitmq-env.conf, whose NODENAME names the default broker.
  cat >"$dir/rabbitmq-env.conf" <<EOF
ERL_EPMD_ADDRESS=127.0.0.1
EOF
  echo '[].' >"$dir/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$CLUSTER_DIR"
}

start_node() {
  local n=$1 dir; dir=$(node_dir "$n")
  is_running "$n" && return 0
  prepare_node "$n"
  (
    cd "$dir"
    runuser -u rabbitmq -- env HOME="$RABBIT_HOME" \
      RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
      RABBITMQ_NODENAME="$(node_name "$n")" \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
      RABBITMQ_NODE_PORT="$(amqp_port "$n")" \
      RABBITMQ_DIST_PORT="$(($(amqp_port "$n") + 20000))" \
      RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
      RABBITMQ_MNESIA_BASE="$dir/data" \
      RABBITMQ_MNESIA_DIR="$dir/data/mnesia" \
      RABBITMQ_FEATURE_FLAGS_FILE="$dir/data/feature_flags" \
      RABBITMQ_PLUGINS_EXPAND_DIR="$dir/data/plugins-expand" \
      RABBITMQ_QUORUM_DIR="$dir/data/quorum" \
      RABBITMQ_LOG_BASE="$dir/log" \
      RABBITMQ_PID_FILE="$dir/pid" \
      ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}" \
      /usr/lib/rabbitmq/bin/rabbitmq-server -detached
  )
}

await_node() {
  local n=$1
  for _ in $(seq 1 120); do
    [ -s "$(node_dir "$n")/pid" ] && break
    sleep 0.5
  done
  ctl "$n" -q wait --timeout 120 "$(node_dir "$n")/pid" >/dev/null
  ctl "$n" -q await_startup --timeout 120 >/dev/null
}

# A fresh node joins node 1; a node that was only killed still knows its cluster and rejoins alone.
join_if_needed() {
  local n=$1
  [ "$n" = 1 ] && return 0
  if ctl "$n" -q cluster_status --formatter json | grep -q "$(node_name 1)"; then return 0; fi
  ctl "$n" -q stop_app
  ctl "$n" -q join_cluster "$(node_name 1)"
  ctl "$n" -q start_app
}

cluster_url() {
  local urls=() n
  for n in "${NODES[@]}"; do urls+=("amqp://guest:guest@127.0.0.1:$(amqp_port "$n")"); done
  (IFS=,; echo "${urls[*]}")
}

cmd_start() {
  local targets=("${@:-${NODES[@]}}") n
  [ $# -gt 0 ] || targets=("${NODES[@]}")
  for n in "${targets[@]}"; do start_node "$n"; done
  for n in "${targets[@]}"; do await_node "$n"; done
  for n in "${targets[@]}"; do join_if_needed "$n"; done
  cmd_status
}

cmd_stop() {
  local n pid
  for n in "${NODES[@]}"; do
    pid=$(pid_of "$n")
    if is_running "$n"; then
      ctl "$n" -q stop >/dev/null 2>&1 || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$CLUSTER_DIR"
}

cmd_kill() {
  local n=${1:?usage: kill <node 1..3>} pid
  pid=$(pid_of "$n")
  [ -n "$pid" ] || { echo "node $n is not running" >&2; exit 1; }
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

cmd_status() {
  local n
  for n in "${NODES[@]}"; do
    if is_running "$n"; then state="running (pid $(pid_of "$n"))"; else state="stopped"; fi
    echo "node $n $(node_name "$n") amqp 127.0.0.1:$(amqp_port "$n") $state"
  done
  echo "AMQP_URL=$(cluster_url)"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  kill) cmd_kill "${2:-}" ;;
  status) cmd_status ;;
  url) cluster_url ;;
  ctl) shift; ctl "$@" ;;
  *) echo "usage: $0 start [node]|stop|kill <node>|status|url|ctl <node> <rabbitmqctl args>" >&2; exit 2 ;;
esac
