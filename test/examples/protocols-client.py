# The python3 clients of test/examples/protocols.test.ts. Prints one JSON line with what it saw.
#   echo PORT CONNS SEED: CONNS concurrent connections, each sends random-size messages (1 B-64 KiB)
#     and checks that every byte comes back in order, then half-closes and expects end of stream.
#   http PORT CONNS REQUESTS: CONNS keep-alive connections (http.client), REQUESTS requests each,
#     every body checked; the last request on each asks Connection: close.
import http.client, json, random, selectors, socket, sys

mode, port, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def echo(seed):
    rnd = random.Random(seed)
    sel = selectors.DefaultSelector()
    state = {}
    for i in range(conns):
        s = socket.create_connection(('127.0.0.1', port))
        s.setblocking(False)
        msgs = [rnd.randbytes(rnd.randint(1, 65536)) for _ in range(rnd.randint(1, 4))]
        data = b''.join(msgs)
        state[s] = {'out': memoryview(data), 'want': data, 'got': bytearray(), 'eof': False}
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    total = 0
    bad = 0
    while sel.get_map():
        for key, mask in sel.select(30):
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
    return {'conns': conns, 'bytes': total, 'mismatched': bad}

def web(requests):
    ok = 0
    for c in range(conns):
        h = http.client.HTTPConnection('127.0.0.1', port)
        for r in range(requests):
            last = r == requests - 1
            h.request('GET', f'/c{c}/r{r}', headers={'Connection': 'close'} if last else {})
            resp = h.getresponse()
            body = resp.read()
            if resp.status == 200 and body == f'hello /c{c}/r{r}\n'.encode() and resp.getheader('Content-Length') == str(len(body)):
                ok += 1
        h.close()
    return {'ok': ok}

print(json.dumps(echo(int(sys.argv[4])) if mode == 'echo' else web(int(sys.argv[4]))))
