"""Times one denoiser step (CFG batch of 2) in PyTorch on CPU, for comparison with ONNX Runtime.

  /usr/bin/python3 models/fantasyid/bench_denoiser.py --config tiny --threads 2 --runs 20
  /usr/bin/python3 models/fantasyid/bench_denoiser.py --bundle ~/.cache/idstream/bench/generator-medium \
      --save-output /tmp/out.safetensors

The model is rebuilt from the bundle's config and seed (the same seeded weights export.py wrote), and its
inputs are the bundle's golden denoiser inputs (or, with --config only, the same seeded inputs export.py
writes). Prints p50/p90 in milliseconds as JSON, with the thread settings and the BLAS library torch actually
loaded: Debian's torch links the reference (netlib) BLAS unless OpenBLAS is installed or put first on
LD_LIBRARY_PATH, and on a loaded machine OpenMP's default spin-waiting makes 2 threads many times slower
than OMP_WAIT_POLICY=PASSIVE (and OpenBLAS's workers busy-wait unless OPENBLAS_THREAD_TIMEOUT is small). --save-output writes `output.model_output` (safetensors) so that the caller
can check the ONNX graph against PyTorch on the same inputs."""
import argparse
import json
import os
import statistics
import sys
import time

import torch

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "fantasyid"

from fantasyid import config as configs  # noqa: E402
from fantasyid import safetensors_io  # noqa: E402
from fantasyid.dit import Denoiser  # noqa: E402
from fantasyid.export import role_specs  # noqa: E402
from fantasyid.model import ROLES  # noqa: E402

DENOISER_INPUTS = ("latents", "timestep", "text_hidden_states", "id_tokens")


def loaded_blas():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    return sorted(paths)


def from_bundle(folder):
    """(config, seed, inputs) of a bundle written by export.py."""
    with open(os.path.join(folder, "config.json")) as f:
        config = configs.FantasyIDConfig.from_json(f.read())
    tensors, metadata = safetensors_io.load(os.path.join(folder, "golden", "denoiser.safetensors"))
    inputs = tuple(torch.from_numpy(tensors[f"input.{n}"].copy()) for n in DENOISER_INPUTS)
    return config, int(metadata["seed"]), inputs


def percentile(values, q):
    """Nearest-rank percentile (the same definition as the Java side)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * q // 100) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", choices=sorted(configs.CONFIGS), default="tiny")
    parser.add_argument("--bundle", help="bundle folder written by export.py (overrides --config and --seed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--save-output", help="write the model output of the last run here (safetensors)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.bundle:
        config, seed, inputs = from_bundle(args.bundle)
    else:
        config, seed = configs.CONFIGS[args.config](), args.seed
        inputs = tuple(role_specs(config, seed)["denoiser"].inputs.values())
    torch.manual_seed(seed * 1000 + ROLES.index("denoiser"))  # the same weights as build_roles/export
    model = Denoiser(config.dit, config.id_dim).eval()
    times = []
    with torch.no_grad():
        for i in range(args.warmup + args.runs):
            start = time.perf_counter()
            output = model(*inputs)
            if i >= args.warmup:
                times.append((time.perf_counter() - start) * 1000)
    if args.save_output:
        safetensors_io.save(args.save_output, {"output.model_output": output.numpy()}, {"seed": str(seed)})
    print(json.dumps({"config": config.name, "threads": args.threads, "torch_threads": torch.get_num_threads(),
                      "torch": torch.__version__, "runs": args.runs, "batch": int(inputs[0].shape[0]),
                      "latents": list(inputs[0].shape),
                      "median_ms": round(statistics.median(times), 3), "p50_ms": round(percentile(times, 50), 3),
                      "p90_ms": round(percentile(times, 90), 3), "min_ms": round(min(times), 3),
                      "loadavg_1min": os.getloadavg()[0], "blas": loaded_blas(),
                      "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
                      "openblas_thread_timeout": os.environ.get("OPENBLAS_THREAD_TIMEOUT", "unset"),
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")}))


if __name__ == "__main__":
    main()
