# Sourced by the containerd end-to-end tests (tests/shim), scripts/demo-containerd
# and scripts/bench-shim: a private containerd in a directory of its own.
#
#   ctrd_start DIR [PATH_PREFIX]   writes DIR/config.toml, starts containerd with its
#                                  root, state, sockets and log under DIR (PATH_PREFIX,
#                                  e.g. the shim's build directory, goes first on its
#                                  PATH), waits until it answers; sets CTRD_DIR,
#                                  CTRD_SOCK and CTRD_PID; CTRD_LAUNCHER (words), when
#                                  set, goes before `containerd` on its command line
#   ctrd_write_config DIR          only writes DIR/config.toml (CRI plugin disabled)
#   ctrd_enable_cri DIR            enables the CRI plugin in that file: no CNI (empty
#                                  conf/bin dirs under DIR), sandbox image CTRD_IMAGE,
#                                  streaming on 127.0.0.1 only; callers append their
#                                  [plugins."io.containerd.grpc.v1.cri".containerd...]
#   ctrd_launch DIR [PATH_PREFIX]  starts containerd with DIR/config.toml as it is
#   ctrd_stop DIR                  stops that containerd (SIGTERM, then SIGKILL), kills
#                                  the shims it left (ours and the Go one), removes
#                                  their runc containers, unmounts what is under DIR
#   ctrd_ctr DIR ARGS...           ctr against that containerd
#   ctrd_import_busybox DIR NS     builds (once per DIR) and imports the busybox image
#
# It never touches the system containerd (/run/containerd/containerd.sock): every
# path is under DIR, except what containerd and its shims fix at compile time
# (/run/containerd/s/<sha256> sockets, /run/containerd/runc/<ns> runc roots,
# /run/containerd/fifo), which ctrd_stop cleans for DIR's containers only.

CTRD_IMAGE=docker.io/library/runcpp-busybox:latest

ctrd_write_config() {
  local dir=$1
  mkdir -p "$dir/root" "$dir/state" "$dir/opt"
  cat > "$dir/config.toml" <<TOML
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "$dir/containerd.sock"

[debug]
  address = "$dir/debug.sock"
  level = "${CTRD_LOG_LEVEL:-info}"

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
TOML
}

ctrd_enable_cri() {
  local dir=$1
  mkdir -p "$dir/cni/bin" "$dir/cni/net.d"
  sed -i 's/"io.containerd.grpc.v1.cri", //' "$dir/config.toml"
  cat >> "$dir/config.toml" <<TOML

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$CTRD_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$dir/cni/bin"
    conf_dir = "$dir/cni/net.d"
TOML
}

ctrd_start() {
  ctrd_write_config "$1"
  ctrd_launch "$@"
}

ctrd_launch() {
  local dir=$1 prefix=${2:-}
  CTRD_DIR=$dir
  CTRD_SOCK=$dir/containerd.sock
  local path=$PATH
  [[ -n $prefix ]] && path=$prefix:$PATH
  # setsid: a terminal's Ctrl-C must not reach it; its own log file.
  # shellcheck disable=SC2086 # CTRD_LAUNCHER is a list of words
  PATH=$path setsid ${CTRD_LAUNCHER:-} containerd --config "$dir/config.toml" >> "$dir/containerd.log" 2>&1 < /dev/null &
  CTRD_PID=$!
  echo "$CTRD_PID" > "$dir/containerd.pid"
  local i
  for ((i = 0; i < 200; i++)); do
    if [[ -S $CTRD_SOCK ]] && ctr --address "$CTRD_SOCK" version > /dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$CTRD_PID" 2> /dev/null; then
      echo "containerd exited at start; its log:" >&2
      tail -n 30 "$dir/containerd.log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "containerd did not answer on $CTRD_SOCK within 10 s" >&2
  return 1
}

ctrd_ctr() {
  local dir=$1
  shift
  ctr --address "$dir/containerd.sock" "$@"
}

# Stops containerd only (its shims and containers keep running), as a restart test needs.
ctrd_stop_daemon() {
  local dir=$1 pid i
  pid=$(cat "$dir/containerd.pid" 2> /dev/null) || return 0
  kill -TERM "$pid" 2> /dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2> /dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.05
  done
}

# Shim processes serving DIR's containerd: their -address argument names its socket.
# One pgrep (a loop over /proc forking per process takes seconds on a loaded machine).
ctrd_shim_pids() {
  local sock
  sock=$(printf '%s' "$1/containerd.sock" | sed 's/[][\.*^$+?(){}|]/\\&/g')
  # None is no failure (callers run under set -e).
  pgrep -f -- "^[^ ]*containerd-shim[^ ]* (.* )?$sock( |\$)" || true
}

ctrd_stop() {
  local dir=$1 ns pid
  ctrd_stop_daemon "$dir"
  for pid in $(ctrd_shim_pids "$dir"); do
    kill -KILL "$pid" 2> /dev/null
  done
  # Containers of DIR's namespaces left in the shims' runc roots.
  for ns in $(ls "$dir/state/io.containerd.runtime.v2.task" 2> /dev/null); do
    local id
    for id in $(ls "$dir/state/io.containerd.runtime.v2.task/$ns" 2> /dev/null); do
      local root
      for root in /run/containerd/runc /run/containerd/runcpp; do
        runc --root "$root/$ns" delete --force "$id" > /dev/null 2>&1
        crun --root "$root/$ns" delete --force "$id" > /dev/null 2>&1
      done
      # The socket of the shim just killed (it cannot remove it itself).
      local address
      address=$(cat "$dir/state/io.containerd.runtime.v2.task/$ns/$id/address" 2> /dev/null) &&
        rm -f "${address#unix://}"
    done
  done
  # Mounts under DIR, deepest first.
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2> /dev/null
  done
}

ctrd_import_busybox() {
  local dir=$1 ns=$2 here
  here=$(dirname "${BASH_SOURCE[0]}")
  if [[ ! -f $dir/busybox-oci.tar ]]; then
    /usr/bin/python3 "$here/../../tests/shim/make_busybox_image.py" "$dir/busybox-oci.tar" "$CTRD_IMAGE" || return 1
  fi
  ctrd_ctr "$dir" -n "$ns" image import "$dir/busybox-oci.tar" > /dev/null
}
