#!/usr/bin/python3
"""Check an hx-wcet fit against scipy, an independent implementation.

usage: wcet-oracle.py DATA RECORD

DATA holds the numbers hx-wcet -n read (gev: with -b 1), RECORD its wcet
record.  scipy's shape c is minus Coles' xi, which hx-wcet reports.
scipy's own fit (the better of scipy on the data and on the data
standardised) is polished with a tight Nelder-Mead run started from
scipy's estimate, never from hx's, so both sides are converged.  The
check fails unless every parameter agrees to 1e-3 relative, hx's
log-likelihood equals scipy's log-density sum at hx's parameters, and it
is not below scipy's at scipy's parameters.
"""
import json
import sys

import numpy as np
from scipy import optimize
from scipy.stats import genextreme, genpareto

REL = 1e-3


def polish(nll, start):
    """Nelder-Mead to tight tolerances from START."""
    return optimize.fmin(nll, start, xtol=1e-10, ftol=1e-13,
                         maxiter=40000, maxfun=80000, disp=False)


def main():
    x = np.loadtxt(sys.argv[1])
    rec = json.load(open(sys.argv[2]))
    p = rec["params"]
    failed = []
    if rec["method"] == "gev":
        # scipy's fit depends on its start: it is run on the data as they
        # are and on the data standardised, and the better fit is polished.
        m, s = x.mean(), x.std()
        def nll(t):
            if t[2] <= 0:
                return np.inf
            return -np.sum(genextreme.logpdf(x, t[0], t[1], t[2]))
        c1, loc1, scale1 = genextreme.fit(x)
        c2, loc2, scale2 = genextreme.fit((x - m) / s)
        fits = [(c1, loc1, scale1), (c2, m + s * loc2, s * scale2)]
        best = min(fits, key=nll)
        ll_fit = -nll(best)
        # Polish in standardised units, where the simplex is well scaled.
        def nll_z(t):
            return nll((t[0], m + s * t[1], s * t[2]))
        c, lz, sz = polish(nll_z, (best[0], (best[1] - m) / s, best[2] / s))
        loc, scale = m + s * lz, s * sz
        ref = {"mu": loc, "sigma": scale, "xi": -c}
        ll_ref = -nll((c, loc, scale))
        ll_hx = -nll((-p["xi"], p["mu"], p["sigma"]))
    else:
        u = p["u"]
        y = x[x > u]
        c, _, scale = genpareto.fit(y, floc=u)
        def nll(t):
            if t[1] <= 0:
                return np.inf
            return -np.sum(genpareto.logpdf(y, t[0], u, t[1]))
        ll_fit = -nll((c, scale))
        c, scale = polish(nll, (c, scale))
        ref = {"u": u, "sigma": scale, "xi": c}
        ll_ref = -nll((c, scale))
        ll_hx = -nll((p["xi"], p["sigma"]))
        if len(y) != rec["exceedances"]:
            failed.append("exceedances %d, scipy sees %d"
                          % (rec["exceedances"], len(y)))
    for key, want in ref.items():
        got = p[key]
        print("%-5s hx %.10g scipy %.10g" % (key, got, want))
        if abs(got - want) > REL * abs(want):
            failed.append("%s differs by more than %g relative" % (key, REL))
    print("loglik hx %.10g, scipy at hx's %.10g, scipy's fit %.10g, "
          "polished %.10g" % (rec["loglik"], ll_hx, ll_fit, ll_ref))
    if abs(ll_hx - rec["loglik"]) > 1e-7 * abs(ll_hx) + 1e-7:
        failed.append("hx's loglik is not scipy's log-density sum")
    if ll_hx < ll_fit - 1e-7 * abs(ll_fit):
        failed.append("hx's loglik is worse than scipy's fit")
    for f in failed:
        print("FAIL: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
