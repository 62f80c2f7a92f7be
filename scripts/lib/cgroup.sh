# Sourced by scripts/test: prepares the cgroup layout so the real-runtime tests can
# run containers with both runc and crun. Needs root.
#
# crun 1.8 refuses to create containers on a hybrid cgroup layout (v1 controllers
# under a tmpfs /sys/fs/cgroup plus a cgroup2 hierarchy at /sys/fs/cgroup/unified)
# while any controller is still attached to that cgroup2 hierarchy ("cgroups in
# hybrid mode not supported, drop all controllers from cgroupv2"). On Debian 12 with
# a hybrid layout the one left there is hugetlb. Mounting each such controller as
# its own v1 hierarchy satisfies crun; runc works either way.

# True if /proc/self/mountinfo has a mount of filesystem type $1 at $2 (or, with
# $2 empty, a v1 cgroup mount whose super options include controller $3).
_runcpp_has_mount() {
  awk -v fstype="$1" -v point="$2" -v ctl="$3" '
    { sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
      if (!sep || $(sep + 1) != fstype) next
      if (point != "" && $5 == point) found = 1
      if (ctl != "" && ("," $(sep + 3) ",") ~ ("," ctl ",")) found = 1 }
    END { exit !found }' /proc/self/mountinfo
}

# Prints what it found or did; returns non-zero only if a mount that was needed failed.
setup_cgroups_for_crun() {
  if _runcpp_has_mount cgroup2 /sys/fs/cgroup ""; then
    echo "==> cgroups: unified (cgroup v2) layout; nothing to mount for crun"
    return 0
  fi
  if ! _runcpp_has_mount cgroup2 /sys/fs/cgroup/unified ""; then
    echo "==> cgroups: cgroup v1 layout without /sys/fs/cgroup/unified; nothing to mount for crun"
    return 0
  fi
  local controllers=() c
  read -r -a controllers < /sys/fs/cgroup/unified/cgroup.controllers || true
  if ((${#controllers[@]} == 0)); then
    echo "==> cgroups: hybrid layout with no controller on cgroup2; nothing to mount for crun"
    return 0
  fi
  local status=0 remounted=0
  for c in "${controllers[@]}"; do
    if _runcpp_has_mount cgroup "" "$c"; then
      continue
    fi
    echo "==> cgroups: hybrid layout with $c on cgroup2: mounting it as a v1 hierarchy at /sys/fs/cgroup/$c (crun refuses it on cgroup2)"
    # systemd mounts the tmpfs read-only: make it writable just for the mkdir.
    if [[ ! -d /sys/fs/cgroup/$c ]] && ! mkdir "/sys/fs/cgroup/$c" 2>/dev/null; then
      mount -o remount,rw /sys/fs/cgroup && remounted=1
      mkdir -p "/sys/fs/cgroup/$c" || true
    fi
    if ! mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c"; then
      echo "==> cgroups: mounting $c failed; crun cases of the real-runtime tests will skip"
      status=1
    fi
  done
  if ((remounted)); then
    mount -o remount,ro /sys/fs/cgroup || true
  fi
  if ((status == 0)); then
    echo "==> cgroups: hybrid layout; controllers on cgroup2 now: '$(cat /sys/fs/cgroup/unified/cgroup.controllers)'"
  fi
  return "$status"
}
