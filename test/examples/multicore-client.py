# The python3 client of test/examples/multicore.test.ts:  multicore-client.py PORT CONNS SEED
# Opens CONNS connections at once; each sends random bytes (1 B-64 KiB in up to 4 messages),
# half-closes, and checks that every byte comes back in order before end of stream. Prints one
# JSON line: the connections, the bytes echoed, how many came back wrong, and each connection's
# local port (the server reports the ports it served, so that none is counted twice or lost).
import json, random, selectors, socket, sys

port, conns, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
sel = selectors.DefaultSelector()
state = {}
ports = []
for i in range(conns):
    s = socket.create_connection(('127.0.0.1', port))
    ports.append(s.getsockname()[1])
    s.setblocking(False)
    data = b''.join(rnd.randbytes(rnd.randint(1, 65536)) for _ in range(rnd.randint(1, 4)))
    state[s] = {'out': memoryview(data), 'want': data, 'got': bytearray()}
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
total = 0
bad = 0
while sel.get_map():
    ready = sel.select(30)
    if not ready:
        sys.exit('no progress in 30 s')
    for key, mask in ready:
        s, st = key.fileobj, state[key.fileobj]
        if mask & selectors.EVENT_WRITE:
            n = s.send(st['out'][:65536])
            st['out'] = st['out'][n:]
            if not st['out']:
                s.shutdown(socket.SHUT_WR)
                sel.modify(s, selectors.EVENT_READ)
        if mask & selectors.EVENT_READ:
            chunk = s.recv(262144)
            if chunk:
                st['got'] += chunk
            else:
                sel.unregister(s)
                s.close()
                total += len(st['got'])
                if bytes(st['got']) != st['want']:
                    bad += 1
print(json.dumps({'conns': conns, 'bytes': total, 'mismatched': bad, 'ports': ports}))
