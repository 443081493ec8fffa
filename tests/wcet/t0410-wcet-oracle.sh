#!/bin/sh
# hx-wcet's fits against scipy (Debian python3-scipy), an independent
# implementation, on fixed datasets: parameters to 1e-3 relative, and a
# log-likelihood that is scipy's own and never worse than scipy's fit.
. "$top_srcdir/tests/lib.sh"

W="$FILES/wcet"

scipy_python
[ -n "$PYTHON" ] || skip_all "scipy is missing (Debian package python3-scipy)"

# oracle DATA [OPTION]...: fit DATA with hx-wcet -n and check it.
oracle() {
	data=$1
	shift
	hx-wcet -n "$@" <"$W/$data" >"$data.json" &&
	"$PYTHON" "$top_srcdir/tests/wcet/wcet-oracle.py" "$W/$data" "$data.json"
}

test_expect_success 'GEV: Port Pirie annual maximum sea levels (Coles 2001)' '
	oracle portpirie.txt -b 1 -m gev
'

test_expect_success 'GEV: a heavy tail (xi = 0.2, scipy c = -0.2)' '
	oracle gev-heavy.txt -b 1 -m gev
'

test_expect_success 'GEV: a bounded tail (xi = -0.25) far from zero' '
	oracle gev-bounded.txt -b 1 -m gev
'

test_expect_success 'GEV: a Gumbel sample, xi near 0' '
	oracle gumbel.txt -b 1 -m gev
'

test_expect_success 'GPD: peaks over the default threshold' '
	oracle runs.txt -m gpd
'

test_expect_success 'the oracle can fail: a wrong fit is caught' '
	sed "s/\"xi\":[-0-9.e]*/\"xi\":0.1/" portpirie.txt.json >wrong.json &&
	! "$PYTHON" "$top_srcdir/tests/wcet/wcet-oracle.py" "$W/portpirie.txt" wrong.json
'

test_done
