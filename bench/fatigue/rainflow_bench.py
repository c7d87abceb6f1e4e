"""Times the PyPI `rainflow` package on one history (run with the venv of bench/fatigue/run.sh).

  rainflow_bench.py HISTORY.f64 EXTRACT_OUT.txt COUNT_OUT.txt [REPEATS]

HISTORY.f64: raw little-endian float64. Times (CPU time of the process, best of REPEATS,
default 3) rainflow.count_cycles and list(rainflow.extract_cycles) on the numpy array (what a
user passes) and on a Python list (x.tolist(), conversion not timed; the package iterates element
by element, list items are cheaper to handle than numpy scalars). Writes extract_cycles' "range mean count" per line to
EXTRACT_OUT.txt and count_cycles' "range count" per line to COUNT_OUT.txt, for count_bench's
check, and prints one summary line per timing.
"""
import sys
import time

import numpy as np
import rainflow


def best(f, reps):
    t = 1e300
    out = None
    for _ in range(reps):
        # CPU time of the process, as count_bench.c (other jobs share the machine's cores)
        t0 = time.process_time()
        out = f()
        t = min(t, time.process_time() - t0)
    return t, out


def main():
    x = np.fromfile(sys.argv[1], dtype="<f8")
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    xl = x.tolist()
    n = len(x)
    print(f"rainflow package {getattr(rainflow, '__version__', '?')}, numpy {np.__version__}, "
          f"python {sys.version.split()[0]}; {n} samples")
    res = {}
    for name, data in (("numpy array", x), ("list", xl)):
        t, cc = best(lambda: rainflow.count_cycles(data), reps)
        res[("count_cycles", name)] = t
        print(f"rainflow.count_cycles ({name}): best of {reps} {t:.3f} s  {n / t:.4g} samples/s  "
              f"({len(cc)} distinct ranges, {sum(c for _, c in cc):.1f} cycles)")
        t, ec = best(lambda: list(rainflow.extract_cycles(data)), reps)
        res[("extract_cycles", name)] = t
        print(f"rainflow.extract_cycles ({name}): best of {reps} {t:.3f} s  {n / t:.4g} samples/s  "
              f"({len(ec)} cycle records)")
    with open(sys.argv[2], "w") as f:
        for rng, mean, count, _, _ in ec:
            f.write(f"{rng!r} {mean!r} {count!r}\n")
    with open(sys.argv[3], "w") as f:
        for rng, count in cc:
            f.write(f"{rng!r} {count!r}\n")


if __name__ == "__main__":
    main()
