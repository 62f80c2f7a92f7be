# Sourced by scripts/test and scripts/demo: installs, with apt-get, whatever of
# runcpp's build and test dependencies is missing. Needs root.
runcpp_packages=(cmake g++ make ninja-build pkg-config libgtest-dev libgmock-dev libbenchmark-dev
                 rapidjson-dev runc crun busybox-static criu
                 # ttrpc and the containerd shim (ttrpc/, shim/): protobuf, containerd's and ttrpc's
                 # Go sources (.proto files, captured-format references), containerd for the shim's tests
                 libprotobuf-dev protobuf-compiler golang-github-containerd-ttrpc-dev
                 golang-github-containerd-containerd-dev golang-github-containerd-cgroups-dev golang-github-gogo-protobuf-dev
                 golang-github-gogo-googleapis-dev containerd tmux
                 # pgrep: scripts/lib/containerd.sh finds a private containerd's shims with it
                 procps
                 # the runtime-spec JSON schema check of every config the tests write
                 python3 python3-jsonschema golang-github-opencontainers-specs-dev)

install_deps() {
  local missing=() pkg status
  for pkg in "${runcpp_packages[@]}"; do
    status=$(dpkg -s "$pkg" 2>/dev/null || true)
    if [[ $status != *"Status: install ok installed"* ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]})); then
    echo "==> installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}
