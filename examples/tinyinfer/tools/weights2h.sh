#!/bin/sh
# weights2h.sh: write the C header of the built-in 16-32-4 MLP from its
# binary weights file, the source of truth that hx.json pins.
#
#   sh tools/weights2h.sh weights/mlp.bin >gen/weights.h
#
# The file holds, with no header and no padding: w1, 32x16 int8; b1, 32
# int32; w2, 4x32 int8; b2, 4 int32; integers little-endian, 784 bytes.
# Only od(1) and awk(1) are needed, so that a build needs no Python.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: weights2h.sh FILE" >&2
	exit 2
fi
od -An -v -t u1 "$1" | awk -v file="$1" '
function table(name, ctype, n, size,    i, k, v, line) {
	printf "\nstatic const %s %s[%d] = {\n", ctype, name, n
	line = ""
	for (i = 0; i < n; i++) {
		v = 0
		for (k = size - 1; k >= 0; k--)
			v = v * 256 + b[pos + k]
		pos += size
		if (v >= 2 ^ (8 * size - 1))
			v -= 2 ^ (8 * size)
		line = line (line == "" ? "\t" : " ") v ","
		if (i % 12 == 11 || i == n - 1) {
			print line
			line = ""
		}
	}
	print "};"
}
{ for (i = 1; i <= NF; i++) b[count++] = $i }
END {
	if (count != 784) {
		printf "weights2h.sh: %s: %d bytes, not 784\n", file, count \
		    >"/dev/stderr"
		exit 1
	}
	pos = 0
	print "/* Generated from " file " by tools/weights2h.sh; do not edit. */"
	table("w1", "int8_t", 512, 1)
	table("b1", "int32_t", 32, 4)
	table("w2", "int8_t", 128, 1)
	table("b2", "int32_t", 4, 4)
}'
