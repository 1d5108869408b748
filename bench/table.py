#!/usr/bin/env python3
"""Reads the bench scripts' output (see bench/lib.sh for the line protocol) from the files
given (or stdin) and prints one plain-text table: per figure the median of each tool's
samples, duct's ratio against each peer, the target and whether it is met.

A ratio is always "how many times better duct is": for higher-is-better figures duct/peer,
for lower-is-better ones (time, latency, memory) peer/duct. > 1.00x means duct is better.

  --check   exit 1 unless every figure has at least one sample for each tool it names
            in a target (used by bench/smoke; no thresholds are checked)
"""
import statistics
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
check = "--check" in sys.argv
lines = []
if args:
    for a in args:
        with open(a) as f:
            lines += f.read().splitlines()
else:
    lines = sys.stdin.read().splitlines()

figs = {}      # (case, fig) -> dict
order = []
notes = {}
for ln in lines:
    p = ln.split("|")
    if p[0] == "figure" and len(p) >= 6:
        k = (p[1], p[2])
        if k not in figs:
            figs[k] = {"unit": p[3], "hi": p[4] == "hi", "title": p[5], "samples": {}, "targets": [], "tools": []}
            order.append(k)
    elif p[0] == "sample" and len(p) >= 5:
        k = (p[1], p[2])
        if k not in figs:
            continue
        try:
            v = float(p[4])
        except ValueError:
            continue
        f = figs[k]
        if p[3] not in f["samples"]:
            f["samples"][p[3]] = []
            f["tools"].append(p[3])
        f["samples"][p[3]].append(v)
    elif p[0] == "target" and len(p) >= 6:
        k = (p[1], p[2])
        if k in figs:
            figs[k]["targets"].append((p[3], p[4], float(p[5])))
    elif p[0] == "note" and len(p) >= 3:
        notes.setdefault(p[1], []).append("|".join(p[2:]))


def fmt(v):
    if v >= 1000:
        return "%.0f" % v
    if v >= 100:
        return "%.1f" % v
    return "%.2f" % v


def ratio(f, a, b):
    """how many times better a is than b"""
    if a == 0 or b == 0:
        return None
    return a / b if f["hi"] else b / a


problems = 0
FIXED = ["socat", "haproxy", "direct"]
rows = []
for k in order:
    f = figs[k]
    med = {t: statistics.median(v) for t, v in f["samples"].items()}
    subj = f["targets"][0][0] if f["targets"] else "duct"

    def cell(t):
        if t not in med:
            return ""
        c = fmt(med[t])
        if t != subj and subj in med:
            r = ratio(f, med[subj], med[t])
            if r is not None:
                # a ratio that would print as 1.00x on the losing side of a target gets a
                # third decimal, so "1.00x MISSED" never appears
                c += " (%.3fx)" % r if "%.2f" % r == "1.00" and r < 1 else " (%.2fx)" % r
        return c

    first = cell(subj) if subj == "duct" else ("%s %s" % (subj, cell(subj)) if subj in med else "")
    others = ", ".join("%s %s" % (t, cell(t)) for t in f["tools"] if t != subj and t not in FIXED)
    tgt = []
    ok = True
    for s_, peer, want in f["targets"]:
        if peer in ("@max", "@min"):
            tgt.append("%s %s" % ("<=" if peer == "@max" else ">=", fmt(want)))
            good = s_ in med and (med[s_] <= want if peer == "@max" else med[s_] >= want)
            missing = s_ not in med
        else:
            tgt.append(">=%gx %s" % (want, peer))
            missing = s_ not in med or peer not in med
            good = not missing and ratio(f, med[s_], med[peer]) >= want - 1e-9
        if missing:
            ok = None if ok is not False else False
        elif not good:
            ok = False
    if check and subj not in med:
        print("no %s figure for case %s %s" % (subj, k[0], k[1]), file=sys.stderr)
        problems += 1
    result = "-" if not f["targets"] else {True: "met", False: "MISSED", None: "n/a"}[ok]
    rows.append([k[0], f["title"], f["unit"] + (" ^" if f["hi"] else " v"), first] + [cell(t) for t in FIXED] +
                [others, ", ".join(tgt), result])

hdr = ["case", "figure", "unit", "duct", "socat", "haproxy", "direct", "others", "target (duct vs)", "result"]
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
def line(r):
    return "  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip()
print(line(hdr))
print(line(["-" * x for x in w]))
last = None
for r in rows:
    case = r[0]
    print(line([case if case != last else ""] + r[1:]))
    last = case
    nxt = [x[0] for x in rows[rows.index(r) + 1:]]
    if not nxt or nxt[0] != case:
        for n in notes.get(case, []):
            print("      note: " + n)
print()
print("unit ^: higher is better, v: lower is better. (N.NNx): how many times better duct is than that")
print("tool (duct/peer for ^, peer/duct for v): > 1.00x means duct is better. Medians of all runs.")
if check:
    if not order:
        print("no figures at all", file=sys.stderr)
        sys.exit(1)
    sys.exit(1 if problems else 0)
