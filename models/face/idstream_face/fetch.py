"""Fetches the pinned npm packages with `npm pack`, checks their integrity and caches them.

A package is downloaded once: a cached tarball whose sha512 matches the lock file is reused,
and an unpacked copy is kept next to it (a marker file says the unpacking finished).
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile


class IntegrityError(Exception):
    pass


def load_lock(lock_path):
    with open(lock_path, encoding="utf-8") as f:
        return {p["name"]: p for p in json.load(f)["packages"]}


def sri_sha512(path):
    digest = hashlib.sha512()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def tarball_name(name, version):
    # npm pack's own naming: "@scope/pkg" -> "scope-pkg-<version>.tgz"
    return name.lstrip("@").replace("/", "-") + "-" + version + ".tgz"


def fetch(package, cache_dir, log=print):
    """Returns the folder holding the unpacked package (its `package/` root)."""
    name, version, integrity = package["name"], package["version"], package["integrity"]
    os.makedirs(cache_dir, exist_ok=True)
    tgz = os.path.join(cache_dir, tarball_name(name, version))
    if os.path.exists(tgz) and sri_sha512(tgz) != integrity:
        log(f"cached {tgz} does not match the pinned integrity; fetching it again")
        os.remove(tgz)
    if not os.path.exists(tgz):
        log(f"npm pack {name}@{version}")
        with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
            subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", tmp,
                            "--silent"], check=True, stdout=subprocess.DEVNULL)
            fetched = os.path.join(tmp, tarball_name(name, version))
            actual = sri_sha512(fetched)
            if actual != integrity:
                raise IntegrityError(
                    f"{name}@{version}: integrity mismatch, registry tarball is {actual}, "
                    f"the lock file pins {integrity}")
            shutil.move(fetched, tgz)
    unpacked = tgz[:-len(".tgz")]
    marker = os.path.join(unpacked, ".complete")
    if not os.path.exists(marker):
        shutil.rmtree(unpacked, ignore_errors=True)
        with tarfile.open(tgz) as tar:
            _safe_extract(tar, unpacked)
        with open(marker, "w", encoding="ascii") as f:
            f.write(integrity + "\n")
    return os.path.join(unpacked, "package")


def _safe_extract(tar, dest):
    root = os.path.realpath(dest)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(dest, member.name))
        if not target.startswith(root + os.sep) or member.issym() or member.islnk():
            raise IntegrityError(f"refusing to unpack {member.name}: outside the package folder")
    tar.extractall(dest)
