#!/usr/bin/env python3
"""Writes docs/examples/candidates.csv: a synthetic candidates table for `npc evaluate --candidates`
(docs/evaluation.md, "Your own candidates table"). Nothing in it is real: every value is drawn here.

Seeded (python3 docs/examples/make_candidates.py rewrites the same file). 2,000 people, one row
each, no index date (one block). Known structure:

- covariates: age (45-94), sex (F/M), imd_decile (1-10), efi (0-0.5, 3 decimals), frail (0/1,
  efi >= 0.25), admissions_pre (emergency admissions in the year before, Poisson);
- treatment: logit P(treated) = -2.6 + 0.03 (age - 70) + 0.35 [M] - 0.06 (imd_decile - 5)
  + 2.0 efi + 0.45 admissions_pre (about 1 in 6 treated);
- outcome: emergency admissions in follow-up, Poisson with rate
  0.25 exp(0.02 (age - 70) + 2.5 efi + 0.25 admissions_pre) per year, times 0.8 for the treated
  (a true rate ratio of 0.8), over follow_up_years (1, or less for one person in ten who died or
  moved away);
- died: 1 if the follow-up ended early by death (half of those who ended early).
"""
import math
import random
from pathlib import Path

SEED = 20250331
PEOPLE = 2000


def poisson(rng, mean):
    # Knuth's method: fine for the small means here.
    limit = math.exp(-mean)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def main():
    rng = random.Random(SEED)
    rows = []
    for i in range(1, PEOPLE + 1):
        age = rng.randint(45, 94)
        sex = "M" if rng.random() < 0.45 else "F"
        imd = rng.randint(1, 10)
        efi = round(min(0.5, max(0.0, rng.gauss(0.12 + 0.004 * (age - 45), 0.07))), 3)
        frail = 1 if efi >= 0.25 else 0
        base = 0.25 * math.exp(0.02 * (age - 70) + 2.5 * efi)
        admissions_pre = poisson(rng, base * 1.2)
        eta = (-2.6 + 0.03 * (age - 70) + (0.35 if sex == "M" else 0) - 0.06 * (imd - 5)
               + 2.0 * efi + 0.45 * admissions_pre)
        treated = 1 if rng.random() < 1 / (1 + math.exp(-eta)) else 0
        ended_early = rng.random() < 0.1
        years = round(rng.uniform(0.1, 1.0), 3) if ended_early else 1.0
        died = 1 if ended_early and rng.random() < 0.5 else 0
        rate = base * math.exp(0.25 * admissions_pre) * (0.8 if treated else 1.0)
        admissions_post = poisson(rng, rate * years)
        rows.append((f"P{i:05d}", treated, age, sex, imd, efi, frail, admissions_pre,
                     admissions_post, years, died))
    out = Path(__file__).with_name("candidates.csv")
    with out.open("w") as f:
        f.write("person_id,treated,age,sex,imd_decile,efi,frail,admissions_pre,"
                "admissions_post,follow_up_years,died\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")


if __name__ == "__main__":
    main()
