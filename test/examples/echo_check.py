# The echo check both example clients run (multicore-client.py, protocols-client.py): CONNS
# connections at once on one selectors loop, each sends random bytes (1 B-64 KiB in up to 4
# messages, from SEED), half-closes, and checks that every byte comes back in order before end of
# stream. Exits when nothing moves for 30 s.
import random, selectors, socket, sys

def echo_check(port, conns, seed):
    """Returns {'conns', 'bytes' echoed, 'mismatched' connections, 'ports': each local port}."""
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
    return {'conns': conns, 'bytes': total, 'mismatched': bad, 'ports': ports}
