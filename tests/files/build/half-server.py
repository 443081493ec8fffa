# A cache server that fails in one of two ways, for hx-build's remote cache
# tests: "half" answers every GET with a full Content-Length and half the
# body, then closes; "stall" accepts and never answers.  It listens on a
# free loopback port and writes the port to the file given, after it
# listens, as its readiness marker.
import socket
import sys

mode, portfile = sys.argv[1], sys.argv[2]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(16)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
import os
os.rename(portfile + ".tmp", portfile)
held = []
while True:
    conn, _ = srv.accept()
    if mode == "stall":
        held.append(conn)
        continue
    conn.recv(65536)
    body = b"x" * 4096
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
                 % len(body) + body[:len(body) // 2])
    conn.close()
