"""The CPython anchor: the same loops on Python's selectors module (recv_into/send on reused buffers).
Usage: python3 python.py workload=chain|tcpchain|echo|http backend=epoll|poll|select [n= active= writes= mintime=]
chain/tcpchain print one JSON line of results; echo/http print {"port": P} and serve until killed."""
import json
import os
import selectors
import socket
import struct
import sys
import time

ARGS = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
SELECTORS = {"epoll": "EpollSelector", "poll": "PollSelector", "select": "SelectSelector", "kqueue": "KqueueSelector"}
Selector = getattr(selectors, SELECTORS[ARGS.get("backend", "epoll")])
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n"
            b"Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\nhello")


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def compact(R, W):
    """The fd layout of every contender: write ends above, read ends packed low (see common.js)."""
    if len(R) > 5000:
        return
    old = W[:]
    for i, s in enumerate(old):
        W[i] = socket.socket(fileno=os.dup(s.fileno()))
    for s in old:
        s.close()
    for i in range(len(R) - 1, -1, -1):
        fd = os.dup(R[i].fileno())
        if fd > R[i].fileno():
            os.close(fd)
            break
        R[i].close()
        R[i] = socket.socket(fileno=fd)


def make_pairs(n, tcp):
    R, W = [], []
    listener = socket.create_server(("127.0.0.1", 0), backlog=4096) if tcp else None
    for _ in range(n):
        if tcp:
            w = socket.create_connection(listener.getsockname())
            r, _addr = listener.accept()
            w.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            w.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            r, w = socket.socketpair()
        r.setblocking(False)
        w.setblocking(False)
        R.append(r)
        W.append(w)
    if listener:
        listener.close()
    compact(R, W)
    return R, W


def chain(tcp):
    n, active, nwrites = int(ARGS["n"]), int(ARGS["active"]), int(ARGS["writes"])
    mintime = float(ARGS.get("mintime", 0.05))
    t0 = time.perf_counter()
    R, W = make_pairs(n, tcp)
    sel = Selector()
    for i, r in enumerate(R):
        sel.register(r, selectors.EVENT_READ, i)
    setup = time.perf_counter() - t0
    views = [b"e" * k for k in range(65)]
    buf = bytearray(64)
    space = n // active
    totals = dict(rounds=0, loopMs=0.0, hops=0, events=0, spurious=0, wakes=0)
    for warm in (True, False):
        started = time.perf_counter()
        r = 0
        while r < 1 or time.perf_counter() - started < mintime:  # warm-up as long as the window, as every contender
            r += 1
            count, writes, fired = 0, nwrites, active + nwrites
            events = spurious = wakes = 0
            a = time.perf_counter()
            for i in range(active):
                W[i * space].send(b"e")
            while count < fired:
                ready = sel.select()
                wakes += 1
                for key, _mask in ready:
                    i = key.data
                    events += 1
                    try:
                        got = R[i].recv_into(buf, 64)
                    except BlockingIOError:
                        got = 0
                    if got == 0:
                        spurious += 1
                        continue
                    count += got
                    fwd = got if got < writes else writes
                    if fwd > 0:
                        if W[i + 1 if i + 1 < n else 0].send(views[fwd]) != fwd:
                            raise RuntimeError("short send")
                        writes -= fwd
            if not warm:
                totals["loopMs"] += (time.perf_counter() - a) * 1e3
                totals["hops"] += fired
                totals["events"] += events
                totals["spurious"] += spurious
                totals["wakes"] += wakes
        if not warm:
            totals["rounds"] = r
    totals["nsPerHop"] = totals["loopMs"] * 1e6 / totals["hops"]
    emit(dict(setupMs=setup * 1e3, **totals))
    os._exit(0)


def count_requests(data, conn):
    data = conn["carry"] + data
    found = data.count(b"\r\n\r\n")
    last = data.rfind(b"\r\n\r\n")
    conn["carry"] = (data[last + 4:] if last >= 0 else data)[-3:]
    return found


def serve(http):
    listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
    listener.setblocking(False)
    sel = Selector()
    sel.register(listener, selectors.EVENT_READ, None)
    buf = bytearray(16384)
    view = memoryview(buf)
    emit({"port": listener.getsockname()[1]})
    while True:
        for key, _mask in sel.select():
            conn = key.data
            if conn is None:
                while True:
                    try:
                        s, _addr = listener.accept()
                    except BlockingIOError:
                        break
                    s.setblocking(False)
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sel.register(s, selectors.EVENT_READ, {"sock": s, "carry": b""})
                continue
            s = conn["sock"]
            try:
                got = s.recv_into(buf)
            except BlockingIOError:
                continue
            except OSError:
                got = 0
            if got == 0:
                sel.unregister(s)
                s.close()
                continue
            if not http:
                s.send(view[:got])
                continue
            for _ in range(count_requests(bytes(view[:got]), conn)):
                s.send(RESPONSE)


WORKLOAD = ARGS.get("workload", "chain")
if WORKLOAD in ("chain", "tcpchain"):
    chain(WORKLOAD == "tcpchain")
elif WORKLOAD in ("echo", "http"):
    serve(WORKLOAD == "http")
else:
    sys.exit("unknown workload " + WORKLOAD)
