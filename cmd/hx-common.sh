# cmd/hx-common.sh: the functions the shell programs of hx share (hx init,
# hx nightly, hx release), put in place of their @common@ line when they
# are built.  $prog is the program's name in messages, $self its directory
# and $bindir the configured one.

die() {
	status=$1
	shift
	printf '%s: %s\n' "$prog" "$*" >&2
	exit "$status"
}

# The first of the hx-NAME programs beside this one, in the configured
# bindir or on the PATH.
find_tool() {
	for p in "$self/hx-$1" "$bindir/hx-$1"; do
		if [ -x "$p" ]; then
			echo "$p"
			return 0
		fi
	done
	command -v "hx-$1"
}

# A JSON string for $1, its tabs and newlines escaped too.
json_str() {
	printf '"%s"' "$(printf '%s' "$1" |
	    sed 's/\\/\\\\/g; s/"/\\"/g; s/	/\\t/g' |
	    awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }')"
}
