"""Builds the FaceMesh-468 mesh hierarchy (468 -> 117 -> 30) used by the tiny generator.

The triangulation (TRI468) and the UV layout (UV468) come from the npm package
@vladmandic/human (src/face/facemeshcoords.ts), pinned below and checked against its npm
integrity hash. Only the generated hierarchy file is committed, never package contents.

  /usr/bin/python3 models/fantasyid/mesh/build_facemesh_hierarchy.py \
      [--package path/to/vladmandic-human-3.3.6.tgz] [--out models/fantasyid/mesh/facemesh468.safetensors]

Without --package it uses ~/.cache/idstream/npm/vladmandic-human-3.3.6.tgz, or runs
`npm pack @vladmandic/human@3.3.6` into a temporary folder.
"""
import argparse
import base64
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from fantasyid import mesh_build  # noqa: E402

PACKAGE = "@vladmandic/human"
VERSION = "3.3.6"
INTEGRITY = "sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A=="
SOURCE = "package/src/face/facemeshcoords.ts"
TARBALL = f"vladmandic-human-{VERSION}.tgz"
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "facemesh468.safetensors")


def locate_package(path):
    if path:
        return path
    cached = os.path.expanduser(os.path.join("~/.cache/idstream/npm", TARBALL))
    if os.path.exists(cached):
        return cached
    folder = tempfile.mkdtemp(prefix="idstream-npm-")
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", folder], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(folder, TARBALL)


def verify_integrity(path):
    with open(path, "rb") as f:
        digest = "sha512-" + base64.b64encode(hashlib.sha512(f.read()).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"{path} does not match {PACKAGE}@{VERSION}: integrity {digest}, expected {INTEGRITY}")


def read_arrays(path):
    with tarfile.open(path, "r:gz") as archive:
        text = archive.extractfile(SOURCE).read().decode("utf-8")
    tri = re.search(r"export const TRI468: number\[\] = \[(.*?)\];", text, re.S)
    uv = re.search(r"export const UV468: \[number, number\]\[\] = \[(.*?)\];", text, re.S)
    if not tri or not uv:
        raise SystemExit(f"{SOURCE} in {path} has no TRI468/UV468 table")
    triangles = np.array([int(v) for v in re.findall(r"\d+", tri.group(1))], dtype=np.int64).reshape(-1, 3)
    uv = np.array([float(v) for v in re.findall(r"[-\d.eE]+", uv.group(1))], dtype=np.float64).reshape(-1, 2)
    if uv.shape != (468, 2) or triangles.max() != 467:
        raise SystemExit(f"unexpected FaceMesh tables: UV {uv.shape}, max vertex index {triangles.max()}")
    return triangles, uv


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", help=f"path to {TARBALL}")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    package = locate_package(args.package)
    verify_integrity(package)
    triangles, uv = read_arrays(package)
    positions = np.stack([uv[:, 0], 1.0 - uv[:, 1]], axis=1)  # v points down in UV468; make y point up
    hierarchy = mesh_build.build_hierarchy(
        positions, triangles, mesh_build.quarter_levels(468, 2), spiral_length=9,
        metadata={"source": f"{PACKAGE}@{VERSION} {SOURCE} (TRI468, UV468)", "integrity": INTEGRITY,
                  "positions": "UV468 with v flipped (y up)"})
    hierarchy.save(args.out)
    print(f"wrote {args.out}: levels {hierarchy.sizes}, triangles per level "
          f"{[len(t) for t in hierarchy.triangles]}")


if __name__ == "__main__":
    main()
