#!/usr/bin/env python3
"""hostile.py PATH PID: hostile frames at the service on the Unix socket
PATH, whose process is PID; one line per case, with the answer: "error N"
and whether the connection stayed open, or "closed"."""

import socket
import struct
import sys

PATH, PID = sys.argv[1], int(sys.argv[2])


def connect(hello=True):
    s = socket.socket(socket.AF_UNIX)
    s.connect(PATH)
    if hello:
        s.sendall(header(1, 0, 10) + struct.pack("<HHIH", 1, 1, 1 << 20, 0))
        answer(s)
    return s


def header(ftype, rid, length, magic=0x464F5848, version=1, flags=0):
    return struct.pack("<IHHIQI", magic, version, ftype, flags, rid, length)


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def answer(s):
    """The next frame's type and error code, or None when closed."""
    h = recv_exactly(s, 24)
    if h is None:
        return None
    ftype, length = struct.unpack_from("<H", h, 6)[0], \
        struct.unpack_from("<I", h, 20)[0]
    p = recv_exactly(s, length)
    return (ftype, struct.unpack_from("<I", p)[0] if ftype == 5 else 0)


def still_open(s):
    """Whether the connection still answers a good request."""
    try:
        s.sendall(header(3, 99, 5 + 4 + 4 + 1)
                  + struct.pack("<HBBB", 5, 0, 1, 0)
                  + struct.pack("<BBHI", 1, 1, 0, 1) + b"\x05")
        return answer(s) == (4, 0)
    except OSError:
        return False


def report(name, s):
    a = answer(s)
    if a is None:
        print("%s: closed" % name)
    elif still_open(s):
        print("%s: error %d, open" % (name, a[1]))
    else:
        print("%s: error %d, then closed" % (name, a[1]))


def rss_kib():
    with open("/proc/%d/status" % PID) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(op, params, tensors):
    return struct.pack("<HBBB", op, len(params), len(tensors), 0) + \
        struct.pack("<%di" % len(params), *params) + b"".join(tensors)


def frame(payload, rid=1):
    return header(3, rid, len(payload)) + payload


s = connect(hello=False)
s.sendall(header(1, 0, 10, magic=0x12345678) + b"\0" * 10)
report("bad magic", s)

s = connect(hello=False)
s.sendall(header(1, 0, 10, version=7) + b"\0" * 10)
report("version 7", s)

s = connect(hello=False)
s.sendall(header(1, 0, 10 + 256 + 1))
s.shutdown(socket.SHUT_WR)
report("a hello of 267 bytes, before its payload", s)

s = connect(hello=False)
s.sendall(header(3, 1, 1 << 20))
s.shutdown(socket.SHUT_WR)
report("a request before the hello, before its payload", s)

s = connect()
s.sendall(header(3, 1, 0xFFFFFFFF))
report("a payload of 4 GiB", s)

s = connect()
s.sendall(header(3, 1, 8, flags=1) + b"\0" * 8)
report("reserved flags", s)

s = connect()
s.sendall(frame(request(5, [], [struct.pack("<BBHI", 9, 1, 0, 1) + b"x"])))
report("type code 9", s)

s = connect()
s.sendall(frame(request(5, [], [struct.pack("<BBH4I", 1, 4, 0, 65535, 65535,
                                            65535, 65535) + b"x" * 16])))
report("a shape of 2^64 elements with 16 bytes", s)

s = connect()
s.sendall(frame(request(1, [], [struct.pack("<BBH2I", 1, 2, 0, 65536, 1)
                                + b"\1" * 65536,
                                struct.pack("<BBH2I", 1, 2, 0, 1, 65536)
                                + b"\1" * 65536])))
report("a matmul of 128 KiB whose result is 16 GiB", s)

s = connect()
s.sendall(frame(request(5, [], [struct.pack("<BBHI", 1, 1, 0, 4) + b"x" * 8])))
report("4 more bytes than the shape", s)

s = connect()
s.sendall(frame(request(5, [], [struct.pack("<BBHI", 1, 1, 0, 8) + b"x" * 4])))
report("4 bytes fewer than the shape", s)

s = connect()
s.sendall(frame(request(4, [], [struct.pack("<BBHI", 2, 1, 0, 1) + b"x" * 4])))
report("add of one tensor", s)

s = connect()
s.sendall(header(4, 1, 0))
report("a reply from the client", s)

s = connect()
s.sendall(header(3, 1, 40)[:10])
s.close()
s = connect()
s.sendall(header(3, 1, 40) + b"\1\0")
s.close()
print("truncated frames: closed without a word")

before = rss_kib()
held = []
for i in range(8):
    s = connect()
    s.sendall(header(3, 1, 60 << 20) + b"\0" * 16)
    held.append(s)
s = connect()
print("8 clients announcing 60 MiB each: %s" %
      ("still served" if still_open(s) else "not served"))
print("memory grown by less than 16 MiB: %s" %
      ("yes" if rss_kib() - before < 16 << 10 else
       "no: %d KiB" % (rss_kib() - before)))
for s in held:
    s.close()
