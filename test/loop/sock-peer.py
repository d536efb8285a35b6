# A python3 peer for sock.test.ts: connects to 127.0.0.1:<port>, sends <n> bytes of a pattern in
# small pieces with pauses (so the other side waits for readiness), reads <n> bytes back, and
# prints "ok <n>" if they are the same bytes.
import socket
import sys
import time

port, n = int(sys.argv[1]), int(sys.argv[2])
data = bytes((i * 7 + 3) % 251 for i in range(n))
with socket.create_connection(('127.0.0.1', port)) as s:
    for i in range(0, n, 65536):
        s.sendall(data[i:i + 65536])
        time.sleep(0.002)
    got = bytearray()
    while len(got) < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        got += chunk
print('ok' if bytes(got) == data else 'mismatch', len(got))
