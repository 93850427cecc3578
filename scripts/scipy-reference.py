#!/usr/bin/python3
"""Reference values for the drift and agreement statistics, computed once with Debian's python3-scipy.

Run: /usr/bin/python3 scripts/scipy-reference.py   (writes test/data/scipy-reference.json)

The samples are generated here with a fixed numpy seed, rounded to 6 decimals and stored in the JSON next to
the expected numbers, so the TypeScript tests read exactly the inputs scipy saw. Conventions that are ours
rather than a single scipy call (PSI bins, Evidently's binning and expected counts) are spelled out below.
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'data', 'scipy-reference.json')
rng = np.random.RandomState(20240606)


def sample(loc, scale, n, decimals=6):
    return np.round(rng.normal(loc, scale, n), decimals)


def integers(low, high, n):
    return rng.randint(low, high, n).astype(float)


def floats(a):
    return [float(x) for x in a]


# ---------------------------------------------------------------- KS (scipy.stats.ks_2samp, method='auto')
def ks_branch(n1, n2, d):
    """Which algorithm scipy takes (for the record; the tests only compare numbers)."""
    if max(n1, n2) <= 10000:
        return 'exact/square' if n1 == n2 else 'exact/inside'
    m, n = sorted([float(n1), float(n2)], reverse=True)
    en = int(np.round(m * n / (m + n)))
    t, nx2 = en * d, en * d * d
    if t <= 1 or t >= en - 1:
        return f'asymp n={en} ruben-gambino'
    if d >= 0.5:
        return f'asymp n={en} smirnov(x>=0.5)'
    if en <= 140:
        return f'asymp n={en} ' + ('dmtw' if nx2 <= 0.754693 else 'pomeranz' if nx2 <= 4 else 'smirnov')
    if nx2 >= 370:
        return f'asymp n={en} zero'
    if nx2 >= 2.2:
        return f'asymp n={en} smirnov'
    return f'asymp n={en} ' + ('dmtw' if en <= 100000 and en * d ** 1.5 <= 1.4 else 'pelz-good')


big_reference = sample(0, 1, 10001, 4)
ks_cases = []


def ks_case(name, a, b, store_a=True):
    result = stats.ks_2samp(a, b)
    case = {
        'name': name,
        'b': floats(b),
        'statistic': float(result.statistic),
        'pValue': float(result.pvalue),
        'branch': ks_branch(len(a), len(b), float(result.statistic)),
    }
    if store_a:
        case['a'] = floats(a)
    else:
        case['aIsBigReference'] = True
    ks_cases.append(case)


ks_case('equal n, shifted', sample(0, 1, 40), sample(0.6, 1, 40))
ks_case('equal n, same distribution', sample(0, 1, 200), sample(0, 1, 200))
ks_case('unequal n, shifted', sample(0, 1, 57), sample(0.4, 1.2, 83))
ks_case('ties (small integers)', integers(0, 6, 120), integers(0, 7, 150))
ks_case('ties, identical samples', np.array([1.0, 2, 2, 3, 3, 3]), np.array([3.0, 3, 2, 1, 2, 3]))
ks_case('disjoint, tiny p', sample(0, 1, 30), sample(10, 1, 45))
ks_case('n = 1000 each, small shift', sample(0, 1, 1000), sample(0.15, 1, 1000))
ks_case('n = 2000 vs 700, scale change', sample(0, 1, 2000), sample(0, 1.3, 700))
ks_case('asymp, en=290, same distribution', big_reference, sample(0, 1, 300), False)
ks_case('asymp, en=290, shifted', big_reference, sample(0.3, 1, 300), False)
ks_case('asymp, en=290, slight shift', big_reference, sample(0.08, 1, 300), False)
ks_case('asymp, en=60, same distribution', big_reference, sample(0, 1, 60), False)
ks_case('asymp, en=60, shifted', big_reference, sample(0.45, 1, 60), False)
ks_case('asymp, en=60, far', big_reference, sample(1.2, 1, 60), False)
ks_case('asymp, en=60, disjoint', big_reference, sample(8, 1, 60), False)
ks_case('asymp, en=5000 (round half even), slight shift', big_reference, sample(0.03, 1, 10001, 4), False)
ks_case('asymp, en=5000, shifted', big_reference, sample(0.1, 1, 10001, 4), False)
ks_case('asymp, en=5000, nearly identical', big_reference, np.round(big_reference + rng.normal(0, 0.004, 10001), 4), False)
ks_case('asymp, en=60, D >= 0.5', big_reference, sample(1.8, 1, 60), False)
ks_case('asymp, en=12, small current', big_reference, sample(0.2, 1, 12), False)

# ---------------------------------------------------------------- PSI (our convention, numpy arithmetic)
def psi_reference(ref, cur, bins=10, epsilon=1e-4):
    """Cuts at numpy.quantile(ref, i/bins) (linear), i=1..bins-1, duplicates dropped; outer bins open;
    bin of x = number of cuts <= x; an empty bin's share is replaced by epsilon; PSI = sum (c-r) ln(c/r)."""
    cuts = np.unique(np.quantile(ref, [i / bins for i in range(1, bins)]))
    def shares(x):
        counts = np.bincount(np.searchsorted(cuts, x, side='right'), minlength=len(cuts) + 1).astype(float)
        s = counts / counts.sum()
        s[counts == 0] = epsilon
        return s
    r, c = shares(ref), shares(cur)
    return float(np.sum((c - r) * np.log(c / r))), floats(cuts)


psi_cases = []
for name, ref, cur, bins in [
    ('normal vs shifted', sample(0, 1, 500), sample(0.5, 1, 400), 10),
    ('normal vs same', sample(0, 1, 800), sample(0, 1, 800), 10),
    ('ties (mostly zeros, like blank pixels)', np.concatenate([np.zeros(300), integers(1, 5, 100)]),
     np.concatenate([np.zeros(150), integers(1, 8, 250)]), 10),
    ('empty current bins (epsilon)', sample(0, 1, 300), sample(3, 0.1, 100), 10),
    ('20 bins', sample(5, 2, 1000), sample(5.3, 2.5, 600), 20),
]:
    value, cuts = psi_reference(ref, cur, bins)
    psi_cases.append({'name': name, 'reference': floats(ref), 'current': floats(cur), 'bins': bins,
                      'epsilon': 1e-4, 'value': value, 'cuts': cuts})

# ---------------------------------------------------------------- Jensen-Shannon (base 2)
js_cases = []
for name, p, q in [
    ('histograms', [10, 20, 30, 40], [25, 25, 25, 25]),
    ('with zeros', [0, 5, 5, 0, 10], [3, 0, 7, 0, 1]),
    ('unnormalised shares', [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]),
    ('identical', [1, 2, 3], [2, 4, 6]),
    ('disjoint', [1, 0], [0, 1]),
]:
    js_cases.append({'name': name, 'p': p, 'q': q, 'value': float(distance.jensenshannon(p, q, base=2))})


def evidently_binned(ref, cur, numeric):
    """Evidently's get_binned_data(..., feel_zeroes=False)."""
    if numeric and len(np.unique(ref)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins='sturges')
        return np.histogram(ref, bins)[0] / len(ref), np.histogram(cur, bins)[0] / len(cur)
    keys = sorted(set(ref) | set(cur))
    return (np.array([np.sum(ref == k) / len(ref) for k in keys]),
            np.array([np.sum(cur == k) / len(cur) for k in keys]))


js_sample_cases = []
for name, ref, cur, numeric in [
    ('numeric, sturges bins', sample(0, 1, 1500), sample(0.3, 1.1, 1200), True),
    ('numeric, few distinct values (per-value bins)', integers(0, 10, 1500), integers(0, 12, 1200), True),
    ('categorical codes', integers(0, 4, 2000), integers(0, 5, 1800), False),
]:
    r, c = evidently_binned(ref, cur, numeric)
    js_sample_cases.append({'name': name, 'reference': floats(ref), 'current': floats(cur), 'numeric': numeric,
                            'value': float(distance.jensenshannon(r, c, base=2))})

# ---------------------------------------------------------------- Wasserstein-1, normalised by std(ref, ddof=0)
wasserstein_cases = []
for name, ref, cur in [
    ('shifted', sample(0, 1, 1500), sample(0.2, 1, 1100)),
    ('ties', integers(0, 5, 400), integers(0, 6, 300)),
    ('scale', sample(10, 3, 2000), sample(10, 4, 2000)),
    ('tiny', np.array([0.0, 1, 3]), np.array([5.0, 6, 8, 2])),
]:
    wd = float(stats.wasserstein_distance(ref, cur))
    wasserstein_cases.append({'name': name, 'reference': floats(ref), 'current': floats(cur), 'distance': wd,
                              'normalized': float(wd / max(np.std(ref), 0.001))})

# ---------------------------------------------------------------- chi-square (Evidently: expected from reference)
chi_cases = []
for name, ref_counts, cur_counts in [
    ('three categories', [50, 30, 20], [40, 35, 25]),
    ('strong shift', [500, 300, 200, 100], [100, 200, 300, 500]),
    ('different totals', [120, 80, 40, 10, 5], [30, 25, 12, 2, 1]),
    ('same shares', [10, 20, 30], [20, 40, 60]),
]:
    ref_counts = np.array(ref_counts, dtype=float)
    cur_counts = np.array(cur_counts, dtype=float)
    f_exp = ref_counts * (cur_counts.sum() / ref_counts.sum())
    result = stats.chisquare(cur_counts, f_exp)
    chi_cases.append({'name': name, 'reference': floats(ref_counts), 'current': floats(cur_counts),
                      'statistic': float(result.statistic), 'pValue': float(result.pvalue)})

homogeneity_cases = []
for name, ref_counts, cur_counts in [
    ('a category new in current', [1257, 0], [538, 2]),
    ('two new categories', [40, 30, 0, 20, 0], [10, 12, 3, 9, 1]),
]:
    statistic, p, dof, _ = stats.chi2_contingency(np.array([ref_counts, cur_counts]), correction=False)
    homogeneity_cases.append({'name': name, 'reference': floats(ref_counts), 'current': floats(cur_counts),
                              'statistic': float(statistic), 'pValue': float(p)})

# ---------------------------------------------------------------- two-proportion z-test (Evidently's formula)
z_cases = []
for name, k1, n1, k2, n2 in [
    ('balanced, small shift', 48, 100, 60, 110),
    ('strong shift', 300, 1000, 420, 900),
    ('no shift', 25, 50, 50, 100),
    ('rare positives', 3, 400, 15, 380),
]:
    p1, p2 = k1 / n1, k2 / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    z_cases.append({'name': name, 'referencePositives': k1, 'referenceCount': n1, 'currentPositives': k2,
                    'currentCount': n2, 'statistic': float(z), 'pValue': float(2 * stats.norm.sf(abs(z)))})

# ---------------------------------------------------------------- Cohen's kappa (sklearn's formula, in numpy)
def kappa(a, b):
    labels = np.unique(np.concatenate([a, b]))
    index = {v: i for i, v in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)))
    for x, y in zip(a, b):
        confusion[index[x], index[y]] += 1
    sum0, sum1 = confusion.sum(axis=0), confusion.sum(axis=1)
    expected = np.outer(sum0, sum1) / np.sum(sum0)
    w = np.ones_like(confusion) - np.eye(len(labels))
    return float(1 - np.sum(w * confusion) / np.sum(w * expected))


kappa_cases = []
a10 = rng.randint(0, 10, 500)
b10 = np.where(rng.rand(500) < 0.8, a10, rng.randint(0, 10, 500))
a2 = rng.randint(0, 2, 300)
b2 = np.where(rng.rand(300) < 0.6, a2, 1 - a2)
for name, a, b in [('10 classes, 80 % copied', a10, b10), ('binary, weak agreement', a2, b2),
                   ('perfect', np.array([0, 1, 2, 2, 1]), np.array([0, 1, 2, 2, 1])),
                   ('worse than chance', np.array([0, 1, 0, 1, 0, 1]), np.array([1, 0, 1, 0, 1, 1]))]:
    kappa_cases.append({'name': name, 'a': [int(x) for x in a], 'b': [int(x) for x in b], 'value': kappa(a, b)})

# ---------------------------------------------------------------- McNemar (statsmodels' conventions)
mcnemar_cases = []
for b, c in [(3, 9), (0, 5), (12, 12), (7, 17), (20, 35), (100, 140), (0, 0), (30, 10)]:
    n = b + c
    if n < 25:
        statistic = float(min(b, c))
        p = 1.0 if n == 0 else float(min(1.0, 2 * stats.binom.cdf(min(b, c), n, 0.5)))
        exact = True
    else:
        statistic = float((abs(b - c) - 1) ** 2 / n)
        p = float(stats.chi2.sf(statistic, 1))
        exact = False
    mcnemar_cases.append({'b': b, 'c': c, 'statistic': statistic, 'pValue': p, 'exact': exact})

# ---------------------------------------------------------------- Mann-Whitney U (scipy.stats.mannwhitneyu)
# Its own generator, so the samples above stay as they were. Latencies are what the rollout judge feeds it.
mwu_rng = np.random.RandomState(20240707)
mwu_cases = []


def mwu_case(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    for alternative in ('two-sided', 'greater', 'less'):
        result = stats.mannwhitneyu(x, y, use_continuity=True, alternative=alternative, method='auto')
        exact = min(len(x), len(y)) <= 8 and len(np.unique(np.concatenate([x, y]))) == len(x) + len(y)
        mwu_cases.append({'name': f'{name} ({alternative})', 'x': floats(x), 'y': floats(y),
                          'alternative': alternative, 'statistic': float(result.statistic),
                          'pValue': float(result.pvalue), 'method': 'exact' if exact else 'asymptotic'})


mwu_case('exact, scipy docs example', [19, 22, 16, 29, 24], [20, 11, 17, 12])
mwu_case('exact, 8 vs 30', np.round(mwu_rng.lognormal(0, 0.4, 8), 6), np.round(mwu_rng.lognormal(0.3, 0.4, 30), 6))
mwu_case('exact, disjoint 3 vs 4', [1.0, 2, 3], [4.0, 5, 6, 7])
mwu_case('ties in small samples (asymptotic)', [1.0, 2, 2, 3, 5], [2.0, 3, 3, 4, 6, 7])
mwu_case('latency, same distribution, 400 vs 900',
         np.round(mwu_rng.lognormal(-1.5, 0.3, 400), 4), np.round(mwu_rng.lognormal(-1.5, 0.3, 900), 4))
mwu_case('latency, +20 % slower, 300 vs 1200',
         np.round(1.2 * mwu_rng.lognormal(-1.5, 0.3, 300), 4), np.round(mwu_rng.lognormal(-1.5, 0.3, 1200), 4))
mwu_case('latency, 3x slower, 60 vs 2000',
         np.round(3 * mwu_rng.lognormal(-1.5, 0.3, 60), 4), np.round(mwu_rng.lognormal(-1.5, 0.3, 2000), 4))
mwu_case('heavy ties (rounded to 0.1 ms), 500 vs 500',
         np.round(mwu_rng.lognormal(0, 0.5, 500), 1), np.round(mwu_rng.lognormal(0.05, 0.5, 500), 1))

reference = {
    'generatedBy': 'scripts/scipy-reference.py',
    'python': sys.version.split()[0],
    'scipy': scipy.__version__,
    'numpy': np.__version__,
    'bigReference': floats(big_reference),
    'ks2samp': ks_cases,
    'psi': psi_cases,
    'jensenShannon': js_cases,
    'jensenShannonSamples': js_sample_cases,
    'wasserstein': wasserstein_cases,
    'chiSquare': chi_cases,
    'chiSquareHomogeneity': homogeneity_cases,
    'proportionsZTest': z_cases,
    'cohenKappa': kappa_cases,
    'mcnemar': mcnemar_cases,
    'mannWhitneyU': mwu_cases,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(reference, f, separators=(',', ':'))
    f.write('\n')
print(f'wrote {os.path.relpath(OUT)} with scipy {scipy.__version__}, numpy {np.__version__}')
for case in ks_cases:
    print(f"  ks {case['name']}: D={case['statistic']:.6g} p={case['pValue']:.6g} [{case['branch']}]")
