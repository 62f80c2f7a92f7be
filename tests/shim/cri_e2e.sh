#!/usr/bin/env bash
# containerd's CRI plugin with runcpp as a runtime handler (docs/kubernetes.md),
# under a private containerd (root, state, sockets and log in CRI_E2E_DIR; no CNI,
# no network). One ctest test, shim_cri (labels cri, shim-e2e): it
#
#   1. starts containerd with the CRI plugin enabled and docs/kubernetes.md's
#      runtime entries: `runcpp` (runtime_type io.containerd.runcpp.v1, the default
#      runtime) and `runcpp-runc-options` (runtime_type io.containerd.runc.v2 with
#      runtime_path = our shim, so that the options table reaches it as runc Options);
#   2. checks that the CRI plugin loaded (`ctr plugins ls`: ok), that the config it
#      logged holds both entries as written, and that it logged no error but the
#      expected one about the missing CNI config;
#   3. runs a pod the way the CRI plugin lays one out, with `ctr` in the CRI plugin's
#      namespace (k8s.io) and the runtime the CRI config names: a sandbox container
#      (annotations io.kubernetes.cri.container-type=sandbox and sandbox-id) and an
#      app container of that sandbox joining its pid, ipc and uts namespaces; checks
#      that one runcpp shim runs both, that an exec in the app sees the sandbox's
#      process as pid 1, the exit codes, and that everything is gone afterwards;
#   4. sends the shim the options message the `runcpp-runc-options` entry makes the
#      CRI plugin send (containerd.runc.v1.Options, as `ctr --runtime
#      io.containerd.runc.v2 --runc-binary --runc-root` sends it; here that runtime
#      resolves to our shim through a containerd-shim-runc-v2 link first on this
#      containerd's PATH, as runtime_path makes it for CRI) and checks that the shim
#      runs runc through BinaryName with --root <Root>/k8s.io, and with
#      --systemd-cgroup for SystemdCgroup.
#
# Driving the CRI API itself needs a CRI client (crictl), which Debian 12 does not
# package (no cri-tools). Environment: CRI_E2E_DIR (short: sockets live there),
# SHIM_E2E_BIN (directory holding containerd-shim-runcpp-v1).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../scripts/lib/containerd.sh"

DIR=${CRI_E2E_DIR:?set CRI_E2E_DIR}
BIN=${SHIM_E2E_BIN:?set SHIM_E2E_BIN}
SHIM=$BIN/containerd-shim-runcpp-v1
NS=k8s.io
POD=cri-e2e-pod-$$
APP=cri-e2e-app-$$
# Not ctr's default /k8s.io/<id>: a parent of our own, removed at the end.
CGROUP_PARENT=runcpp-cri-e2e-$$

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
note() { echo "-- $*"; }
c() { ctr --address "$DIR/containerd.sock" -n "$NS" "$@"; }
# The socket of a shim serving group ID (a pod's: its io.kubernetes.cri.sandbox-id).
shim_socket() { echo "/run/containerd/s/$(printf %s "$DIR/containerd.sock/$NS/$1" | sha256sum | cut -d ' ' -f 1)"; }
POD_SOCKET=$(shim_socket "$POD")

cleanup() {
  local id
  for id in "$APP" "$POD"; do
    c task kill -s SIGKILL "$id" > /dev/null 2>&1
    c task rm -f "$id" > /dev/null 2>&1
    c container rm "$id" > /dev/null 2>&1
  done
  ctrd_stop "$DIR"
  # The containers of step 4, if it failed half-way: their runc root is under DIR.
  for id in $(runc --root "$DIR/runc-root/$NS" list -q 2> /dev/null); do
    runc --root "$DIR/runc-root/$NS" delete --force "$id"
  done
  rm -rf "$DIR"
  rmdir /sys/fs/cgroup/*/"$CGROUP_PARENT" 2> /dev/null
}

# docs/kubernetes.md's entries, with the shim's build directory for /usr/local/bin.
write_runtimes() {
  cat >> "$DIR/config.toml" <<TOML
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runcpp"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runcpp]
      runtime_type = "io.containerd.runcpp.v1"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runcpp-runc-options]
      runtime_type = "io.containerd.runc.v2"
      runtime_path = "$SHIM"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runcpp-runc-options.options]
        BinaryName = "runc"
        SystemdCgroup = false
TOML
}

start() {
  [[ -x $SHIM ]] || fail "no $SHIM"
  [[ -f $DIR/containerd.pid ]] && ctrd_stop "$DIR"
  rm -rf "$DIR"
  ctrd_write_config "$DIR"
  ctrd_enable_cri "$DIR"
  write_runtimes
  trap cleanup EXIT
  mkdir -p "$DIR/as-runc-v2"
  ln -s "$SHIM" "$DIR/as-runc-v2/containerd-shim-runc-v2"
  ctrd_launch "$DIR" "$DIR/as-runc-v2:$BIN" || fail "containerd did not start"
}

check_plugin() {
  local line
  line=$(c plugins ls | awk '$1 == "io.containerd.grpc.v1" && $2 == "cri"')
  [[ $line == *" ok"* ]] || fail "CRI plugin not ok: '$line'; log: $(grep -i cri "$DIR/containerd.log" | tail -n 5)"
  note "ctr plugins ls: $line"
  local cfg
  cfg=$(grep -o 'Start cri plugin with config .*' "$DIR/containerd.log")
  [[ -n $cfg ]] || fail "the CRI plugin logged no config"
  local want
  for want in "DefaultRuntimeName:runcpp " \
    "runcpp:{Type:io.containerd.runcpp.v1 Path: " \
    "runcpp-runc-options:{Type:io.containerd.runc.v2 Path:$SHIM " \
    "Options:map[BinaryName:runc SystemdCgroup:false]" \
    "SandboxImage:$CTRD_IMAGE " "NetworkPluginConfDir:$DIR/cni/net.d "; do
    [[ $cfg == *"$want"* ]] || fail "the CRI config lacks '$want': $cfg"
  done
  note "the CRI config holds the runcpp runtimes"
  local errors
  errors=$(grep -E 'level=(error|fatal|panic)' "$DIR/containerd.log" | grep -v 'failed to load cni during init')
  [[ -z $errors ]] || fail "containerd logged errors: $errors"
}

# crun_ ID TYPE [ctr run flags]: runs ID (container-type TYPE) of the pod detached,
# with the runtime_type of the CRI config's `runcpp` entry.
crun_() {
  local id=$1 type=$2 code=7
  shift 2
  [[ $type == sandbox ]] && code=3
  c run -d --runtime io.containerd.runcpp.v1 --cgroup "$CGROUP_PARENT/$id" --fifo-dir "$DIR/fifo" \
    --annotation "io.kubernetes.cri.sandbox-id=$POD" --annotation "io.kubernetes.cri.container-type=$type" \
    "$@" "$CTRD_IMAGE" "$id" sh -c "trap 'exit $code' TERM; while true; do sleep 0.1; done"
}

task_pid() { c task ls | awk -v id="$1" '$1 == id && $3 == "RUNNING" { print $2 }'; }
wait_pid() {
  local i pid
  for ((i = 0; i < 100; i++)); do
    pid=$(task_pid "$1")
    [[ -n $pid ]] && echo "$pid" && return 0
    sleep 0.05
  done
  fail "$1 never ran"
}
# SIGTERM, then the exit code ctr 1.6 prints (as a warning) when it deletes the task.
stop_and_remove() {
  local id=$1 code=$2 i out
  c task kill "$id" || fail "kill $id"
  for ((i = 0; i < 100; i++)); do
    [[ -z $(task_pid "$id") ]] && break
    sleep 0.05
  done
  out=$(c task rm "$id" 2>&1) || fail "task rm $id: $out"
  [[ $out == *"exit code $code\""* ]] || fail "$id: '$out', expected exit code $code"
  c container rm "$id" || fail "container rm $id"
}
parent() { awk '$1 == "PPid:" { print $2 }' "/proc/$1/status"; }

run_pod() {
  ctrd_import_busybox "$DIR" "$NS" || fail "image import"
  crun_ "$POD" sandbox || fail "sandbox"
  local spid
  spid=$(wait_pid "$POD")
  crun_ "$APP" container --with-ns "pid:/proc/$spid/ns/pid" --with-ns "ipc:/proc/$spid/ns/ipc" \
    --with-ns "uts:/proc/$spid/ns/uts" || fail "app container"
  local apid shim
  apid=$(wait_pid "$APP")
  shim=$(parent "$spid")
  [[ $(parent "$apid") == "$shim" ]] || fail "sandbox and app have different parents: $shim, $(parent "$apid")"
  [[ $(readlink "/proc/$shim/exe") == "$(readlink -f "$SHIM")" ]] || fail "the pod's parent $shim is $(readlink "/proc/$shim/exe")"
  [[ $(ctrd_shim_pids "$DIR") == "$shim" ]] || fail "shims: $(ctrd_shim_pids "$DIR" | tr '\n' ' '), expected only $shim"
  [[ $(readlink "/proc/$apid/ns/pid") == "$(readlink "/proc/$spid/ns/pid")" ]] || fail "the app is not in the sandbox's pid namespace"
  local id
  for id in "$POD" "$APP"; do
    [[ $(< "$DIR/state/io.containerd.runtime.v2.task/$NS/$id/address") == "unix://$POD_SOCKET" ]] ||
      fail "$id's shim address is not the pod's socket $POD_SOCKET"
  done
  note "one runcpp shim ($shim) runs the sandbox ($spid) and the app ($apid), on $POD_SOCKET"

  local out rc
  out=$(c task exec --exec-id ps "$APP" sh -c 'ps -o pid,args; exit 5' 2>&1)
  rc=$?
  [[ $rc == 5 ]] || fail "exec exit code $rc, expected 5; output: $out"
  echo "$out" | grep -qE "^ +1 +sh -c trap 'exit 3'" || fail "the app does not see the sandbox's init as pid 1: $out"
  note "exec in the app (exit 5) sees the sandbox as pid 1"

  stop_and_remove "$APP" 7
  [[ -d /proc/$shim ]] || fail "the shim exited with the sandbox still running"
  stop_and_remove "$POD" 3
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -d /proc/$shim ]] || break
    sleep 0.1
  done
  [[ ! -d /proc/$shim ]] || fail "the pod's shim still runs after its last task was deleted"
  note "the app exited 7, the sandbox 3, the shim exited"
}

check_runc_options() {
  # BinaryName: runc behind a script that records who ran it, and how.
  cat > "$DIR/runc-wrapper" <<SH
#!/bin/sh
echo "\$(readlink /proc/\$PPID/exe) \$*" >> "$DIR/runc.args"
exec runc "\$@"
SH
  chmod +x "$DIR/runc-wrapper"
  local out
  out=$(c run --rm --runtime io.containerd.runc.v2 --runc-binary "$DIR/runc-wrapper" --runc-root "$DIR/runc-root" \
    --cgroup "$CGROUP_PARENT/opts" --fifo-dir "$DIR/fifo" "$CTRD_IMAGE" "cri-e2e-opts-$$" echo via-runc-options 2>&1)
  [[ $out == via-runc-options ]] || fail "run with runc options: '$out'"
  local shim_exe
  shim_exe=$(readlink -f "$SHIM")
  grep -q "^$shim_exe .*--root $DIR/runc-root/$NS .* create " "$DIR/runc.args" ||
    fail "the shim did not run 'create' through BinaryName with Root: $(cat "$DIR/runc.args")"
  note "runc Options reach the shim: BinaryName and Root used for $(wc -l < "$DIR/runc.args") runc calls"
  # SystemdCgroup: runc gets --systemd-cgroup. Without systemd (this machine) and
  # with a cgroupfs-style path, runc refuses the container before making anything.
  if out=$(c run --rm --runtime io.containerd.runc.v2 --runc-binary "$DIR/runc-wrapper" --runc-systemd-cgroup \
    --cgroup "$CGROUP_PARENT/sd" --fifo-dir "$DIR/fifo" "$CTRD_IMAGE" "cri-e2e-sd-$$" true 2>&1); then
    fail "runc ran a container with --systemd-cgroup and cgroup path $CGROUP_PARENT/sd: '$out'"
  fi
  grep -q "^$shim_exe .*--systemd-cgroup create .*cri-e2e-sd-$$" "$DIR/runc.args" ||
    fail "the shim did not pass SystemdCgroup to runc: $(cat "$DIR/runc.args")"
  [[ -z $(c container ls -q) ]] || fail "containers left after the failed create: $(c container ls -q)"
  note "SystemdCgroup reaches runc as --systemd-cgroup"
}

check_leftovers() {
  local x
  x=$(runc --root "/run/containerd/runcpp/$NS" list -q 2> /dev/null | grep -E "^($POD|$APP)\$")
  [[ -z $x ]] || fail "runc containers left: $x"
  x=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "$CGROUP_PARENT" -exec find {} -mindepth 1 -type d \;)
  [[ -z $x ]] || fail "cgroups left: $x"
  local i id
  for ((i = 0; i < 50; i++)); do
    [[ -z $(ctrd_shim_pids "$DIR") ]] && break
    sleep 0.1
  done
  x=$(ctrd_shim_pids "$DIR")
  [[ -z $x ]] || fail "shim processes left: $x"
  for id in "$POD" "cri-e2e-opts-$$" "cri-e2e-sd-$$"; do
    x=$(shim_socket "$id")
    [[ ! -e $x ]] || fail "$id's shim socket $x is left"
  done
  x=$(runc --root "$DIR/runc-root/$NS" list -q 2> /dev/null)
  [[ -z $x ]] || fail "runc containers left in the Root of the options: $x"
  x=$(awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts)
  [[ -z $x ]] || fail "mounts left: $x"
}

start
check_plugin
run_pod
check_runc_options
check_leftovers
echo "ok: cri"
