#!/usr/bin/env python3
"""A synthetic candidates table for the evaluation benchmark (docs/benchmarks.md): the structure of
docs/examples/make_candidates.py, with the treatment model's intercept lowered so that a small share
is treated. Nothing in it is real. Usage:

    python3 docs/examples/make_benchmark_candidates.py 820000 /tmp/candidates-820k.csv -4.85

writes 820,000 rows with 19,424 treated (seeded: the same file every time)."""
import math, random, sys
people = int(sys.argv[1]); out = sys.argv[2]; intercept = float(sys.argv[3]) if len(sys.argv) > 3 else -4.55
rng = random.Random(20261202)
def poisson(mean):
    limit = math.exp(-mean); k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit: return k
        k += 1
n_t = 0
with open(out, "w") as f:
    f.write("person_id,treated,age,sex,imd_decile,efi,frail,admissions_pre,admissions_post,follow_up_years,died\n")
    for i in range(1, people + 1):
        age = rng.randint(45, 94); sex = "M" if rng.random() < 0.45 else "F"; imd = rng.randint(1, 10)
        efi = round(min(0.5, max(0.0, rng.gauss(0.12 + 0.004 * (age - 45), 0.07))), 3)
        frail = 1 if efi >= 0.25 else 0
        base = 0.25 * math.exp(0.02 * (age - 70) + 2.5 * efi)
        pre = poisson(base * 1.2)
        eta = intercept + 0.03 * (age - 70) + (0.35 if sex == "M" else 0) - 0.06 * (imd - 5) + 2.0 * efi + 0.45 * pre
        t = 1 if rng.random() < 1 / (1 + math.exp(-eta)) else 0
        n_t += t
        early = rng.random() < 0.1
        years = round(rng.uniform(0.1, 1.0), 3) if early else 1.0
        died = 1 if early and rng.random() < 0.5 else 0
        post = poisson(base * math.exp(0.25 * pre) * (0.8 if t else 1.0) * years)
        f.write(f"P{i:07d},{t},{age},{sex},{imd},{efi},{frail},{pre},{post},{years},{died}\n")
print("treated", n_t, "of", people)
