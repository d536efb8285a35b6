# The oracle for test/transports/order.test.ts: runs one scenario through CPython's asyncio
# transports on a socketpair and prints the protocol callbacks in the order they ran, as JSON.
import asyncio, json, socket, sys

scenario = sys.argv[1]
MIB = 1 << 20
log = []

class P(asyncio.Protocol):
    def __init__(self, name):
        self.name = name
        self.got = 0
    def connection_made(self, t):
        self.t = t
        log.append(f'{self.name} made')
        act(self, 'made')
    def data_received(self, d):
        self.got += len(d)
        if scenario in ('echo-eof', 'made-throws', 'data-throws', 'pause-reading'):
            log.append(f'{self.name} data {d.decode()}')
        act(self, 'data', d)
    def eof_received(self):
        got = self.got if scenario != 'abort-buffered' else ('partial' if self.got < MIB else 'all')
        log.append(f'{self.name} eof {got}')
        return act(self, 'eof')
    def connection_lost(self, e):
        log.append(f'{self.name} lost {type(e).__name__ if e else None}')
        act(self, 'lost')
    def pause_writing(self):
        log.append(f'{self.name} pause {self.t.get_write_buffer_size() > 1000}')
    def resume_writing(self):
        log.append(f'{self.name} resume {self.t.get_write_buffer_size() <= 250}')

done = None

def act(p, event, data=None):
    t, name = p.t, p.name
    if scenario == 'echo-eof':
        if name == 'A' and event == 'made':
            t.write(b'ping'); t.write_eof()
        if name == 'B' and event == 'data':
            t.write(data.upper())
        if name == 'B' and event == 'eof':
            t.write(b'bye'); t.close(); return True
    elif scenario == 'made-throws' and name == 'B' and event == 'made':
        raise ValueError('boom')
    elif scenario == 'data-throws' and name == 'B' and event == 'data':
        raise ValueError('boom')
    elif scenario in ('close-buffered', 'abort-buffered') and name == 'A' and event == 'made':
        t.write(b'x' * MIB)
        log.append(f'A buffered {t.get_write_buffer_size() > 0}')
        t.close() if scenario == 'close-buffered' else t.abort()
        log.append(f'A closing {t.is_closing()}')
    elif scenario == 'flow' and name == 'A' and event == 'made':
        t.set_write_buffer_limits(1000)
        log.append(f'A limits {t.get_write_buffer_limits()}')
        t.write(b'x' * MIB)
        t.close()
    elif scenario == 'flow' and name == 'B' and event == 'made':
        t.pause_reading()
        log.append(f'B reading {t.is_reading()}')
        asyncio.get_running_loop().call_later(0.05, lambda: (log.append('B resumes'), t.resume_reading()))
    elif scenario == 'pause-reading' and name == 'B' and event == 'made':
        t.pause_reading()
        asyncio.get_running_loop().call_later(0.05, lambda: (log.append('B resumes'), t.resume_reading()))
    elif scenario == 'pause-reading' and name == 'A' and event == 'made':
        t.write(b'one'); t.close()
    if event == 'lost':
        p.lost = True
        if all(getattr(q, 'lost', False) for q in protos): done.set_result(None)

protos = []

async def main():
    global done
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.set_exception_handler(lambda l, c: log.append(f"handler {c['message'].split('(')[0]} {type(c.get('exception')).__name__}"))
    a, b = socket.socketpair()
    def make(name):
        def f():
            p = P(name); protos.append(p); return p
        return f
    await asyncio.gather(loop.connect_accepted_socket(make('A'), a), loop.connect_accepted_socket(make('B'), b))
    if scenario in ('made-throws',):
        protos[0].t.write(b'hi'); protos[0].t.close()
    if scenario in ('data-throws',):
        protos[0].t.write(b'hi')
    await asyncio.wait_for(done, 10)

asyncio.run(main())
print(json.dumps(log))
