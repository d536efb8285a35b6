# Runs an order script (see order.test.ts) through CPython's asyncio and prints the order of the
# callbacks as JSON: the oracle the iomux EventLoop is compared with.
import asyncio
import json
import socket
import sys

script = json.loads(sys.argv[1])
loop = asyncio.SelectorEventLoop()
a, b = socket.socketpair()
a.setblocking(False)
b.setblocking(False)
out = []
t0 = loop.time()


def perform(actions):
    for act in actions:
        kind = act[0]
        if kind == 'soon':
            loop.call_soon(called, act[1], act[2])
        elif kind == 'cancelledSoon':
            loop.call_soon(called, act[1], []).cancel()
        elif kind == 'later':
            loop.call_later(act[1], called, act[2], act[3])
        elif kind == 'at':
            loop.call_at(t0 + act[1], called, act[2], act[3])
        elif kind == 'cancelled':
            loop.call_later(act[1], called, act[2], []).cancel()
        elif kind == 'reader':
            loop.add_reader(a, on_read, act[1], act[2])
        elif kind == 'send':
            b.send(b'x')
        elif kind == 'stop':
            loop.stop()


def called(label, children):
    out.append(label)
    perform(children)


def on_read(label, children):
    a.recv(100)
    loop.remove_reader(a)
    out.append(label)
    perform(children)


perform(script)
loop.run_forever()
loop.close()
print(json.dumps(out))
