# python3 peers for test/transports/*.test.ts. Each prints one JSON line with what it saw.
#   echo PORT CONNS SEED     CONNS concurrent connections, random messages of 1 B-64 KiB each,
#                            every byte must come back in order; half-close, then expect EOF.
#   slow PORT TOTAL          reads TOTAL bytes slowly (64 KiB at most every 2 ms), checking the pattern.
#   reset PORT SEND          sends SEND bytes, then closes with SO_LINGER 0 (a RST).
import json, random, selectors, socket, struct, sys, time

mode, port = sys.argv[1], int(sys.argv[2])

def pattern(n, start=0):
    return bytes((i * 7 + 3) % 251 for i in range(start, start + n))

def echo(conns, seed):
    rnd = random.Random(seed)
    sel = selectors.DefaultSelector()
    state = {}
    for _ in range(conns):
        s = socket.create_connection(('127.0.0.1', port))
        s.setblocking(False)
        data = b''.join(rnd.randbytes(rnd.randint(1, 65536)) for _ in range(rnd.randint(1, 3)))
        state[s] = [memoryview(data), data, bytearray()]
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    total = bad = 0
    while sel.get_map():
        events = sel.select(60)
        if not events:
            raise SystemExit('stalled')
        for key, mask in events:
            s = key.fileobj
            st = state[s]
            if mask & selectors.EVENT_WRITE:
                n = s.send(st[0][:65536])
                st[0] = st[0][n:]
                if not st[0]:
                    s.shutdown(socket.SHUT_WR)
                    sel.modify(s, selectors.EVENT_READ)
            if mask & selectors.EVENT_READ:
                chunk = s.recv(262144)
                if chunk:
                    st[2] += chunk
                else:
                    sel.unregister(s)
                    s.close()
                    total += len(st[2])
                    bad += bytes(st[2]) != st[1]
    return {'conns': conns, 'bytes': total, 'sent': sum(len(st[1]) for st in state.values()), 'mismatched': bad}

def slow(total):
    s = socket.create_connection(('127.0.0.1', port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    got = 0
    ok = True
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        ok = ok and chunk == pattern(len(chunk), got)
        got += len(chunk)
        time.sleep(0.002)
    s.close()
    return {'bytes': got, 'ok': ok and got == total}

def reset(send):
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(pattern(send))
    time.sleep(0.1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
    return {'sent': send}

if mode == 'echo':
    out = echo(int(sys.argv[3]), int(sys.argv[4]))
elif mode == 'slow':
    out = slow(int(sys.argv[3]))
else:
    out = reset(int(sys.argv[3]))
print(json.dumps(out))
