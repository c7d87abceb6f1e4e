#!/usr/bin/env python3
"""Writes the example asset's load history (inputs/bracket/history.csv), deterministically.

Known truth, 1 Hz for 4 hours:
  lift_kN  pin load of a crane lug: lifts of 60-240 s each, every 5-10 min; during a lift the load
           rises to a payload drawn from 4-9 kN, with a dynamic overshoot of up to 20 % that decays,
           plus 0.05 kN noise; between lifts 0.
  side_kN  sideways pull while loaded: 10-20 % of the lift load with a slow sway (period 20-40 s).
  base_C   base plate temperature: 20 C plus a warm-up to 40 C over the first hour (1 - exp(-t/1200 s)),
           plus 0.1 C noise.
Python standard library only (random.Random(2026) for reproducibility).
Usage: make_example_history.py [OUT.csv] [hours] [seed]   (seed: default 2026, the example's; another seed
gives another history of the same kind, e.g. one per synthetic asset of validation/coverage)"""
import math
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "inputs/bracket/history.csv"
hours = float(sys.argv[2]) if len(sys.argv) > 2 else 4.0
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 2026
rng = random.Random(seed)
n = int(hours * 3600)
lift = [0.0] * n
side = [0.0] * n
t = rng.uniform(60, 300)
while t < n:
    start, dur = int(t), int(rng.uniform(60, 240))
    payload, over = rng.uniform(4.0, 9.0), rng.uniform(0.0, 0.2)
    sway_T, sway_phase = rng.uniform(20, 40), rng.uniform(0, 2 * math.pi)
    for i in range(start, min(start + dur, n)):
        s = i - start
        ramp = min(1.0, s / 5.0) * min(1.0, (start + dur - i) / 5.0)
        dyn = 1.0 + over * math.exp(-s / 8.0) * math.cos(2 * math.pi * s / 3.0)
        lift[i] = payload * ramp * dyn
        side[i] = lift[i] * (0.15 + 0.05 * math.sin(2 * math.pi * s / sway_T + sway_phase))
    t = start + dur + rng.uniform(300, 600)
with open(out, "w") as f:
    f.write("# ftwin example history, made by scripts/make_example_history.py (seed %d, %g h at 1 Hz)\n" % (seed, hours))
    f.write("time,lift_kN,side_kN,base_C\n")
    for i in range(n):
        base = 20.0 + 20.0 * (1.0 - math.exp(-i / 1200.0)) + rng.gauss(0, 0.1)
        lf = lift[i] + (rng.gauss(0, 0.05) if lift[i] > 0 else 0.0)
        f.write("%d,%.4f,%.4f,%.3f\n" % (i, lf, side[i], base))
print("wrote %s: %d samples" % (out, n))
