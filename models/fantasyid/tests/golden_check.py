"""Runs ort/GoldenCheck.java: ONNX Runtime from Java on golden safetensors files, compared with their outputs."""
import os
import shutil
import subprocess

import pytest

M2 = os.path.expanduser(os.environ.get("IDSTREAM_M2", "~/.m2/repository"))
ORT_JARS = [
    "com/microsoft/onnxruntime/onnxruntime_gpu/1.24.3/onnxruntime_gpu-1.24.3.jar",
    "com/fasterxml/jackson/core/jackson-databind/2.20.1/jackson-databind-2.20.1.jar",
    "com/fasterxml/jackson/core/jackson-core/2.20.1/jackson-core-2.20.1.jar",
    "com/fasterxml/jackson/core/jackson-annotations/2.20/jackson-annotations-2.20.jar",
]
GOLDEN_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort", "GoldenCheck.java")


def classpath():
    jars = [os.path.join(M2, j) for j in ORT_JARS]
    if shutil.which("java") is None or not all(os.path.exists(j) for j in jars):
        pytest.skip("needs java and the pinned onnxruntime + jackson jars in ~/.m2 (IDSTREAM_M2)")
    return os.pathsep.join(jars)


def golden_check(pairs, tolerance=1e-4, outputs_per_pair=1, relative=False):
    """Checks (onnx, safetensors) pairs; the tolerance is absolute, or relative to each output's max |value|.
    Returns {(pair index, output name): (max abs diff, max rel diff)}."""
    limit = f"rel:{tolerance}" if relative else str(tolerance)
    args = ["java", "-cp", classpath(), GOLDEN_CHECK, limit] + [p for pair in pairs for p in pair]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    diffs, pair = {}, -1
    for line in result.stdout.splitlines():
        words = line.split()
        if words[0] == "check":
            pair += 1
        elif words[0] in ("max_abs_diff", "max_rel_diff"):
            abs_rel = diffs.setdefault((pair, words[1]), [None, None])
            abs_rel[words[0] == "max_rel_diff"] = float(words[2])
    assert len(diffs) == len(pairs) * outputs_per_pair, report
    assert max(d[1 if relative else 0] for d in diffs.values()) <= tolerance, report
    return {key: tuple(d) for key, d in diffs.items()}


def golden_pairs(bundle_dir, manifest, roles, cases, out_dir):
    """(onnx file, golden safetensors) pairs for golden_check from (role, inputs) cases: each case's inputs and the
    PyTorch output of `roles[role]` (as exported) written as a golden file under `out_dir`."""
    import torch

    from fantasyid import safetensors_io
    from fantasyid.export import exported_module

    pairs = []
    for i, (role, inputs) in enumerate(cases):
        model = manifest["models"][role]
        with torch.no_grad():
            out = exported_module(roles, role)(*inputs)
        out = out[0] if isinstance(out, tuple) else out
        tensors = {f"input.{io['name']}": x.numpy() for io, x in zip(model["inputs"], inputs)}
        tensors[f"output.{model['outputs'][0]['name']}"] = out.numpy()
        path = os.path.join(str(out_dir), f"{i}-{role}.safetensors")
        safetensors_io.save(path, tensors)
        pairs.append((os.path.join(bundle_dir, model["file"]), path))
    return pairs
