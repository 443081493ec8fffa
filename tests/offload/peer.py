#!/usr/bin/env python3
"""peer.py ADDR: a client of hx-offload written from hx-offload(5) alone,
with the standard library: hello, each operation checked against Python's
own arithmetic, and error cases.  Prints one line per check; exits 1 when
any fails.  peer.py --dump DIR writes the hello and the requests it would
send, one frame a file, without connecting: seeds for fuzz-offload."""

import random
import socket
import struct
import sys

MAGIC = 0x464F5848
HELLO, WELCOME, REQUEST, REPLY, ERROR = 1, 2, 3, 4, 5
INT8, INT32, F32 = 1, 2, 3
FORMAT = {INT8: "b", INT32: "i", F32: "f"}
MATMUL_I8, MATMUL_F32, CONV1D_I8, ADD, RELU, REQUANTIZE = 1, 2, 3, 4, 5, 6
TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
failed = False
peer = None


def connect(addr):
    if addr.startswith("tcp:"):
        host, port = addr[4:].rsplit(":", 1)
        return socket.create_connection((host.strip("[]"), int(port)))
    s = socket.socket(socket.AF_UNIX)
    s.connect(addr[5:] if addr.startswith("unix:") else addr)
    return s


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def send_frame(s, ftype, rid, payload):
    s.sendall(header_frame(ftype, rid, payload))


def read_frame(s):
    magic, version, ftype, flags, rid, length = struct.unpack(
        "<IHHIQI", recv_exactly(s, 24))
    assert magic == MAGIC and version == 1 and flags == 0
    return ftype, rid, recv_exactly(s, length)


def tensor(dtype, dims, values):
    return (struct.pack("<BBH", dtype, len(dims), 0)
            + struct.pack("<%dI" % len(dims), *dims)
            + struct.pack("<%d%s" % (len(values), FORMAT[dtype]), *values))


def request(op, params, tensors, traceparent=TRACEPARENT):
    return (struct.pack("<HBBB", op, len(params), len(tensors),
                        len(traceparent)) + traceparent
            + struct.pack("<%di" % len(params), *params) + b"".join(tensors))


def parse_tensor(payload):
    count, dtype, rank, zero = struct.unpack_from("<BBBH", payload)
    dims = struct.unpack_from("<%dI" % rank, payload, 5)
    n = 1
    for d in dims:
        n *= d
    values = struct.unpack_from("<%d%s" % (n, FORMAT[dtype]), payload,
                                5 + 4 * rank)
    assert count == 1 and zero == 0
    assert len(payload) == 5 + 4 * rank + n * struct.calcsize(FORMAT[dtype])
    return dtype, list(dims), list(values)


def check(name, ok):
    global failed
    if isinstance(peer, Recorder):
        return
    print("%s %s" % (name, "ok" if ok else "FAILED"))
    failed = failed or not ok


class Recorder:
    """A peer that writes its frames to files instead of sending them."""

    def __init__(self, directory):
        self.directory = directory
        self.next_id = 0
        self.backend, self.ops, self.dtypes = "none", 0x7e, 0xe
        self.write(header_frame(HELLO, 0, struct.pack("<HHIH", 1, 1,
                                                      1 << 20, 0)))

    def write(self, frame):
        self.next_id += 1
        with open("%s/frame-%02d" % (self.directory, self.next_id),
                  "wb") as f:
            f.write(frame)

    def call(self, op, params, tensors):
        self.write(header_frame(REQUEST, self.next_id,
                                request(op, params, tensors)))
        return ()


def header_frame(ftype, rid, payload):
    return struct.pack("<IHHIQI", MAGIC, 1, ftype, 0, rid,
                       len(payload)) + payload


class Peer:
    def __init__(self, addr):
        self.s = connect(addr)
        self.next_id = 0
        send_frame(self.s, HELLO, 0, struct.pack("<HHIH", 1, 1, 1 << 20, 0))
        ftype, rid, p = read_frame(self.s)
        version, zero, self.max_frame, self.ops, self.dtypes, n = \
            struct.unpack_from("<HHIIIB", p)
        self.backend = p[17:17 + n].decode()
        assert ftype == WELCOME and rid == 0 and len(p) == 17 + n

    def call(self, op, params, tensors):
        self.next_id += 1
        send_frame(self.s, REQUEST, self.next_id,
                   request(op, params, tensors))
        ftype, rid, p = read_frame(self.s)
        assert rid == self.next_id
        if ftype == ERROR:
            code, n = struct.unpack_from("<IH", p)
            assert len(p) == 6 + n
            return ("error", code, p[6:].decode())
        assert ftype == REPLY
        return parse_tensor(p)


def wrap32(v):
    return (v + 2**31) % 2**32 - 2**31


def requantize(acc, multiplier, shift, zero_point):
    product = acc * multiplier
    total = 31 + shift
    half = 1 << (total - 1)
    v = (product + half) >> total if product >= 0 else \
        -((-product + half) >> total)
    return max(-128, min(127, v + zero_point))


def main():
    rng = random.Random(5)
    global peer
    dumping = sys.argv[1] == "--dump"
    peer = Recorder(sys.argv[2]) if dumping else Peer(sys.argv[1])
    check("welcome: backend %s, every operation and type" % peer.backend,
          peer.ops == 0x7e and peer.dtypes == 0xe)

    m, k, n = 3, 5, 4
    a = [rng.randint(-128, 127) for _ in range(m * k)]
    b = [rng.randint(-128, 127) for _ in range(k * n)]
    want = [sum(a[i * k + l] * b[l * n + j] for l in range(k))
            for i in range(m) for j in range(n)]
    got = peer.call(MATMUL_I8, [], [tensor(INT8, [m, k], a),
                                    tensor(INT8, [k, n], b)])
    check("matmul_i8", got == (INT32, [m, n], want))

    fa = [rng.randint(-64, 64) / 8 for _ in range(m * k)]
    fb = [rng.randint(-64, 64) / 8 for _ in range(k * n)]
    got = peer.call(MATMUL_F32, [], [tensor(F32, [m, k], fa),
                                     tensor(F32, [k, n], fb)])
    # Eighths times eighths, few terms: exact in f32.
    check("matmul_f32", got == (F32, [m, n], [
        sum(fa[i * k + l] * fb[l * n + j] for l in range(k))
        for i in range(m) for j in range(n)]))

    x = [rng.randint(-128, 127) for _ in range(20)]
    w = [rng.randint(-128, 127) for _ in range(6)]
    got = peer.call(CONV1D_I8, [-1000], [tensor(INT8, [20], x),
                                         tensor(INT8, [6], w)])
    check("conv1d_i8", got == (INT32, [15], [
        -1000 + sum(w[j] * x[o + j] for j in range(6)) for o in range(15)]))

    i1 = [2**31 - 1, -2**31, 5, -7, 0, 123456]
    i2 = [1, -1, 6, 7, 0, -654321]
    got = peer.call(ADD, [], [tensor(INT32, [2, 3], i1),
                              tensor(INT32, [2, 3], i2)])
    check("add int32", got == (INT32, [2, 3],
                               [wrap32(p + q) for p, q in zip(i1, i2)]))
    got = peer.call(ADD, [], [tensor(F32, [3], [0.5, -1.25, 2.0]),
                              tensor(F32, [3], [0.25, 1.25, -8.0])])
    check("add f32", got == (F32, [3], [0.75, 0.0, -6.0]))

    got = peer.call(RELU, [], [tensor(INT8, [1, 2, 2], [-128, -1, 0, 127])])
    check("relu int8", got == (INT8, [1, 2, 2], [0, 0, 0, 127]))
    got = peer.call(RELU, [], [tensor(INT32, [2], [-2**31, 2**31 - 1])])
    check("relu int32", got == (INT32, [2], [0, 2**31 - 1]))
    got = peer.call(RELU, [], [tensor(F32, [2], [-0.5, 0.5])])
    check("relu f32", got == (F32, [2], [0.0, 0.5]))

    accs = [-2**31, 2**31 - 1, -5, 5, 6, -6, 0, 1000, -1000, 12345678]
    for multiplier, shift, zp in [(2**30, 1, 0), (2**31 - 1, 0, -128),
                                  (0x55555555, 9, 3)]:
        got = peer.call(REQUANTIZE, [multiplier, shift, zp],
                        [tensor(INT32, [len(accs)], accs)])
        check("requantize %#x %d %d" % (multiplier, shift, zp),
              got == (INT8, [len(accs)],
                      [requantize(v, multiplier, shift, zp) for v in accs]))

    got = peer.call(RELU, [], [b"\x09\x01\x00\x00\x01\x00\x00\x00\x00"])
    check("type code 9: error 4, the connection goes on",
          got[:2] == ("error", 4))
    got = peer.call(MATMUL_I8, [], [tensor(INT8, [2, 3], [0] * 6),
                                    tensor(INT8, [2, 3], [0] * 6)])
    check("matmul of [2,3] by [2,3]: error 5", got[:2] == ("error", 5))
    got = peer.call(REQUANTIZE, [0, 0, 0], [tensor(INT32, [1], [1])])
    check("requantize multiplier 0: error 10", got[:2] == ("error", 10))
    got = peer.call(7, [], [])
    check("operation 7: error 3", got[:2] == ("error", 3))
    got = peer.call(RELU, [], [tensor(INT8, [1], [-3])])
    check("and a good request after them", got == (INT8, [1], [0]))
    if dumping:
        return

    send_frame(peer.s, HELLO, 0, struct.pack("<HHIH", 1, 1, 1 << 20, 0))
    ftype, rid, p = read_frame(peer.s)
    check("a second hello: error 9, then the connection is closed",
          ftype == ERROR and struct.unpack_from("<I", p)[0] == 9
          and peer.s.recv(1) == b"")

    late = connect(sys.argv[1])
    send_frame(late, REQUEST, 1, request(RELU, [], [tensor(INT8, [1], [1])]))
    ftype, rid, p = read_frame(late)
    check("a request before the hello: error 9",
          ftype == ERROR and struct.unpack_from("<I", p)[0] == 9)

    old = connect(sys.argv[1])
    send_frame(old, HELLO, 0, struct.pack("<HHIH", 2, 3, 1 << 20, 0))
    ftype, rid, p = read_frame(old)
    check("a hello of versions 2 to 3: error 2",
          ftype == ERROR and struct.unpack_from("<I", p)[0] == 2)
    sys.exit(1 if failed else 0)


main()
