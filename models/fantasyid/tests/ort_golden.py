"""Runs ONNX graphs in ONNX Runtime from Java (ort/GoldenCheck.java) on golden safetensors files: Debian has no
Python onnxruntime, and Java is where the pipeline runs them. Skips when java or the pinned jars are missing."""
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


def golden_check(pairs, tolerance=1e-4, outputs_per_pair=1):
    """(onnx file, golden safetensors) pairs: every output within `tolerance` (max abs) of the golden one."""
    args = ["java", "-cp", classpath(), GOLDEN_CHECK, str(tolerance)] + [p for pair in pairs for p in pair]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    diffs = [float(line.split()[-1]) for line in result.stdout.splitlines() if line.startswith("max_abs_diff")]
    assert len(diffs) == len(pairs) * outputs_per_pair and max(diffs) <= tolerance, report
    return report
