"""Times one denoiser step (CFG batch of 2) in PyTorch on CPU, for comparison with ONNX Runtime.

  /usr/bin/python3 models/fantasyid/bench_denoiser.py --config tiny --threads 2 --runs 20

Same weights (seed) and the same seeded inputs as the bundle's golden denoiser vectors at the
default request size; prints the median and quartiles in milliseconds as JSON, with the BLAS
library torch actually loaded and the OpenMP wait policy: Debian's torch links the reference
(netlib) BLAS unless OpenBLAS is installed or put first on LD_LIBRARY_PATH, and on a loaded machine
OpenMP's default spin-waiting makes 2 threads many times slower than OMP_WAIT_POLICY=PASSIVE."""
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
from fantasyid.dit import Denoiser  # noqa: E402
from fantasyid.export import role_specs  # noqa: E402
from fantasyid.model import ROLES  # noqa: E402


def loaded_blas():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1]}
    return sorted(paths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", choices=sorted(configs.CONFIGS), default="tiny")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = configs.CONFIGS[args.config]()
    torch.manual_seed(args.seed * 1000 + ROLES.index("denoiser"))  # the same weights as build_roles/export
    model = Denoiser(config.dit, config.id_dim).eval()
    inputs = tuple(role_specs(config, args.seed)["denoiser"].inputs.values())
    times = []
    with torch.no_grad():
        for i in range(args.warmup + args.runs):
            start = time.perf_counter()
            model(*inputs)
            if i >= args.warmup:
                times.append((time.perf_counter() - start) * 1000)
    q = statistics.quantiles(times, n=4)
    print(json.dumps({"config": args.config, "threads": args.threads, "runs": args.runs,
                      "batch": int(inputs[0].shape[0]), "latents": list(inputs[0].shape),
                      "median_ms": round(statistics.median(times), 3), "q1_ms": round(q[0], 3),
                      "q3_ms": round(q[2], 3), "min_ms": round(min(times), 3),
                      "loadavg_1min": os.getloadavg()[0], "blas": loaded_blas(),
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")}))


if __name__ == "__main__":
    main()
