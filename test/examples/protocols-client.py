# The python3 clients of test/examples/protocols.test.ts. Prints one JSON line with what it saw.
#   echo PORT CONNS SEED: CONNS concurrent connections, each sends random-size messages (1 B-64 KiB)
#     and checks that every byte comes back in order, then half-closes and expects end of stream.
#   http PORT CONNS REQUESTS: CONNS keep-alive connections (http.client), REQUESTS requests each,
#     every body checked; the last request on each asks Connection: close.
import http.client, json, sys
sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from echo_check import echo_check

mode, port, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def echo(seed):
    seen = echo_check(port, conns, seed)
    del seen['ports']
    return seen

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
