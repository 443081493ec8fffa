#!/usr/bin/env python3
"""Write weights/mlp.bin: the int8 weights of the built-in 16-32-4 MLP.

The weights come from a fixed linear congruential generator, so the file
is the same on every run; it is committed and pinned by its sha256 in
hx.json, and the build does not run this: tools/weights2h.sh turns the
file into gen/weights.h.  Layout: w1 (32x16 int8), b1 (32 int32), w2
(4x32 int8), b2 (4 int32), little-endian, nothing else.
"""
import struct
import sys

IN, HIDDEN, OUT = 16, 32, 4


def lcg(state):
    while True:
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        yield state


def int8s(gen, n, span):
    return [(next(gen) >> 16) % (2 * span + 1) - span for _ in range(n)]


def main():
    gen = lcg(20240601)
    w1 = int8s(gen, HIDDEN * IN, 64)
    b1 = int8s(gen, HIDDEN, 512)
    w2 = int8s(gen, OUT * HIDDEN, 64)
    b2 = int8s(gen, OUT, 512)
    data = (struct.pack(f"<{len(w1)}b", *w1) + struct.pack(f"<{len(b1)}i", *b1)
            + struct.pack(f"<{len(w2)}b", *w2) + struct.pack(f"<{len(b2)}i", *b2))
    out = sys.argv[1] if len(sys.argv) > 1 else "weights/mlp.bin"
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
