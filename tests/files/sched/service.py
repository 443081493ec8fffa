# The service of a pair for hx-sched's tests: listens on the unix socket
# HX_SERVICE_SOCKET names and answers each request "pong:" and what came.
import os
import socket

s = socket.socket(socket.AF_UNIX)
s.bind(os.environ["HX_SERVICE_SOCKET"])
s.listen()
while True:
    c, _ = s.accept()
    data = c.recv(100)
    if data:
        c.sendall(b"pong:" + data)
    c.close()
