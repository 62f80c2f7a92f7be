#!/usr/bin/python3
"""Builds a busybox OCI image archive offline, for `ctr image import`.

    make_busybox_image.py OUT.tar [NAME]

The archive is an oci-layout tar (oci-layout, index.json, blobs/sha256/...):
one gzip layer holding /bin/busybox (from busybox-static) with a symlink per
applet, a minimal /etc, and the usual empty mount points; an image config; a
manifest. index.json names the image NAME (default
docker.io/library/runcpp-busybox:latest) through the annotation containerd's
importer reads. Everything is deterministic (fixed mtimes, sorted entries), so
the same busybox gives the same digests. Standard library only.
"""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

BUSYBOX = "/bin/busybox"
MTIME = 1700000000


def add_dir(tar, name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = 0o1777 if name == "tmp" else 0o755
    info.mtime = MTIME
    tar.addfile(info)


def add_file(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = MTIME
    tar.addfile(info, io.BytesIO(data))


def add_symlink(tar, name, target):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    info.mode = 0o777
    info.mtime = MTIME
    tar.addfile(info)


def layer_tar():
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout.split()
    with open(BUSYBOX, "rb") as f:
        busybox = f.read()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ["bin", "dev", "etc", "proc", "root", "sys", "tmp", "usr", "usr/bin", "var"]:
            add_dir(tar, d)
        add_file(tar, "bin/busybox", busybox, 0o755)
        for applet in sorted(set(applets)):
            if applet != "busybox":
                add_symlink(tar, "bin/" + applet, "busybox")
        add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
        add_file(tar, "etc/group", b"root:x:0:\nnogroup:x:65534:\n")
    return buf.getvalue()


def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = MTIME
    out.addfile(info, io.BytesIO(data))
    return "sha256:" + digest


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    path = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) == 3 else "docker.io/library/runcpp-busybox:latest"
    raw = layer_tar()
    gz = gzip.compress(raw, mtime=0)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
        "history": [{"created_by": "tests/shim/make_busybox_image.py"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    tmp = path + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as out:
        add_dir(out, "blobs")
        add_dir(out, "blobs/sha256")
        layer_digest = blob(out, gz)
        config_digest = blob(out, config_bytes)
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                       "size": len(config_bytes)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest,
                        "size": len(gz)}],
        }
        manifest_bytes = json.dumps(manifest, sort_keys=True).encode()
        manifest_digest = blob(out, manifest_bytes)
        index = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": manifest_digest,
                "size": len(manifest_bytes),
                "platform": {"architecture": "amd64", "os": "linux"},
                "annotations": {"io.containerd.image.name": name,
                                "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]},
            }],
        }
        add_file(out, "oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())
        add_file(out, "index.json", json.dumps(index, sort_keys=True).encode())
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
