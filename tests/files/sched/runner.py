# The runner of a pair for hx-sched's tests: asks the service once and
# writes the answer as a record, then a line that is not one.
import json
import os
import socket

s = socket.socket(socket.AF_UNIX)
s.connect(os.environ["HX_SERVICE_SOCKET"])
s.sendall(b"ping")
reply = s.recv(100).decode()
print(json.dumps({"type": "note", "job": os.environ["HX_SCHED_JOB"],
                  "node": os.environ["HX_SCHED_NODE"], "reply": reply},
                 sort_keys=True, separators=(",", ":")))
print("not a record")
