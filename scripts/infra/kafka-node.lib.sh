# shellcheck shell=bash
# Shared by kafka-secure.sh and kafka-cluster.sh (sourced, not run): one KRaft node as a JVM of the
# jars kafka.sh fetches, with its own directory holding server.properties, log4j.properties, data/,
# kafka.pid, kafka.log and kafka.out. The callers set LOG_PREFIX.

log() { echo "[${LOG_PREFIX:-kafka}] $*" >&2; }
die() { echo "[${LOG_PREFIX:-kafka}] ERROR: $*" >&2; exit 1; }

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java_bin() { echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"; }
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# java and the jars, installed by kafka.sh when missing (one download per version, cached).
kafka_libs() { bash "$INFRA_DIR/kafka.sh" libs; }

# The JVM of a node directory, when it is alive (the pid file alone is not trusted after a reboot).
node_pid() {
  local dir="$1" pid
  [[ -f "$dir/kafka.pid" ]] || return 1
  pid="$(cat "$dir/kafka.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' \
    && echo "$pid"
}

# Shared broker settings: topics are created on purpose, sized for a 2-core machine, a day of data.
common_properties() {
  cat <<EOF
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.retention.bytes=134217728
log.segment.bytes=16777216
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
EOF
}

write_log4j() {
  local dir="$1"
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$dir/kafka.log
log4j.appender.file.MaxFileSize=10MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

# Formats the node's data directory once (meta.properties says it was); extra arguments go to the
# storage tool (e.g. --add-scram).
format_node() {
  local dir="$1" libs="$2" cluster_id="$3"
  shift 3
  [[ -f "$dir/data/meta.properties" ]] && return 0
  "$(java_bin)" -Dlog4j.configuration="file:$dir/log4j.properties" -cp "$libs/*" \
    kafka.tools.StorageTool format --ignore-formatted --cluster-id="$cluster_id" -c "$dir/server.properties" "$@" >"$dir/format.out" 2>&1 \
    || { cat "$dir/format.out" >&2; die "storage format failed in $dir"; }
}

new_cluster_id() { head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='; }

# Starts the node's JVM in the background (outliving this shell) without waiting for it.
launch_node() {
  local dir="$1" libs="$2" heap="${3:-384m}"
  [[ -f "$dir/kafka.log" ]] && mv -f "$dir/kafka.log" "$dir/kafka.log.prev"
  rm -f "$dir/kafka.pid"
  # shellcheck disable=SC2016 # $$ and $@ are the inner shell's
  setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$dir/kafka.pid" \
    "$(java_bin)" -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -XX:TieredStopAtLevel=1 -Djava.awt.headless=true -Dlog4j.configuration="file:$dir/log4j.properties" -Dkafka.logs.dir="$dir" \
    -cp "$libs/*" kafka.Kafka "$dir/server.properties" \
    </dev/null >"$dir/kafka.out" 2>&1 9>&- &
  for _ in $(seq 50); do [[ -s "$dir/kafka.pid" ]] && break; sleep 0.1; done
  [[ -s "$dir/kafka.pid" ]] || die "the broker process did not start (no pid file in $dir)"
}

tail_node_log() {
  local f
  for f in "$1/kafka.log" "$1/kafka.out"; do
    [[ -s "$f" ]] || continue
    echo "  --- last lines of $f:" >&2
    tail -n 40 "$f" | sed 's/^/    /' >&2
  done
}

# Waits until the node's client port is open and it logged that it started.
wait_node_ready() {
  local dir="$1" port="$2" timeout="${3:-120}" pid deadline
  pid="$(cat "$dir/kafka.pid")"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail_node_log "$dir"
      die "broker in $dir (pid $pid) exited during startup"
    fi
    if port_open "$port" && grep -q 'Kafka Server started' "$dir/kafka.log" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  tail_node_log "$dir"
  die "broker in $dir not ready on 127.0.0.1:$port after ${timeout}s (still running; stop it with the script's stop)"
}

# SIGTERM (clean shutdown), SIGKILL after 60 s.
stop_node() {
  local dir="$1" pid
  pid="$(node_pid "$dir")" || { rm -f "$dir/kafka.pid"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 120); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/kafka.pid"; return 0; }
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/kafka.pid"
}

# SIGKILL, as a crashed host would end it.
kill_node() {
  local dir="$1" pid
  pid="$(node_pid "$dir")" || { rm -f "$dir/kafka.pid"; return 0; }
  kill -KILL "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/kafka.pid"; return 0; }
    sleep 0.1
  done
  die "broker in $dir (pid $pid) still alive 10 s after SIGKILL"
}
