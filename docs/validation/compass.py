"""DRI's Compass-aligned recomputation against UNDP's published Compass scores, and the
EGDI recomputed from its published components against the published EGDI (docs/VALIDATION.md)."""
import csv, math

def read_scores(path, col):
    with open(path) as f:
        return {r['uCode']: float(r[col]) for r in csv.DictReader(f) if r.get(col, '') != ''}

def read_data(path):
    with open(path) as f:
        return {r['unit']: float(r['value']) for r in csv.DictReader(f) if r['value'] != ''}

def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1  # average ranks for ties
        i = j + 1
    return r

def pearson(a, b):
    n = len(a); ma = sum(a) / n; mb = sum(b) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    sa = math.sqrt(sum((x - ma) ** 2 for x in a)); sb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return sab / (sa * sb)

def spearman(a, b):
    return pearson(ranks(a), ranks(b))

def stage(s):
    return max(1, min(5, math.floor(s)))

def compare(name, dri, pub):
    common = sorted(set(dri) & set(pub))
    a = [dri[u] for u in common]; b = [pub[u] for u in common]
    mad = sum(abs(x - y) for x, y in zip(a, b)) / len(common)
    agree = sum(stage(x) == stage(y) for x, y in zip(a, b)) / len(common)
    print(f"| {name} | {len(common)} | {spearman(a, b):.3f} | {pearson(a, b):.3f} | {mad:.2f} | {100*agree:.0f} % |")

print("| pillar | units | Spearman rho | Pearson r | mean abs difference (0-5) | same stage |")
print("|---|---|---|---|---|---|")
compare("Overall", read_scores('compass_root.csv', 'DRI'), read_data('ddc_overall.csv'))
for col, ddc in [('PEOPLE', 'people'), ('CONNECTIVITY', 'connectivity'), ('GOVERNMENT', 'government'),
                 ('ECONOMY', 'economy'), ('DPI', 'digital_public_infrastructure')]:
    compare(col.title() if col != 'DPI' else 'DPI', read_scores('compass.csv', col), read_data(f'ddc_{ddc}.csv'))

dri = read_scores('egdi.csv', 'EGDI'); pub = read_data('egdi_pub.csv')
common = sorted(set(dri) & set(pub))
diff = max(abs(dri[u] - pub[u]) for u in common)
print()
print(f"EGDI 2024: {len(common)} states; max |DRI - published| = {diff:.6f}; "
      f"Spearman rho = {spearman([dri[u] for u in common], [pub[u] for u in common]):.6f}")

# Units whose overall rests on 3 of 5 pillars (no Findex: no Economy, no DPI) against
# those with all 5: rank among all 193 by DRI and by UNDP's published overall.
with open('compass_root.csv') as f:
    rows = list(csv.DictReader(f))
dri_all = {r['uCode']: float(r['DRI']) for r in rows if r['DRI']}
rests = {r['uCode']: r['rests_on'] for r in rows if r['DRI']}
pub_all = read_data('ddc_overall.csv')
common = sorted(set(dri_all) & set(pub_all))
rd = dict(zip(common, ranks([-dri_all[u] for u in common])))
rp = dict(zip(common, ranks([-pub_all[u] for u in common])))
print()
for tag in ['5/5', '3/5']:
    us = [u for u in common if rests[u] == tag]
    shift = sum(rp[u] - rd[u] for u in us) / len(us)
    rho = spearman([dri_all[u] for u in us], [pub_all[u] for u in us])
    print(f"overall on {tag} pillars: {len(us)} units, Spearman rho {rho:.3f}, "
          f"mean rank by UNDP minus rank by DRI {shift:+.1f} places (positive: DRI ranks them better)")
