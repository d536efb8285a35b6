// The selectors example: Python's `selectors` echo server (accept and read callbacks
// on a DefaultSelector, the callback kept in key.data), ported line for line. README.md shows the
// same program; test/examples checks that every line there is here, in the same order. The
// lines that are here only are the command line, the `listening on` line and --max-clients.
//
// sel.select() blocks the thread, as in Python, so no JavaScript signal handler could run:
// SIGTERM's default action ends the process (the kernel closes its sockets).
//
// Python's example dies of the first error a callback raises. This one also keeps going where a
// server must (the `recover` lines, which the README leaves out): a client that resets or
// vanishes ends its own connection; a read that finds nothing after all (readiness is a hint,
// select(2) BUGS) waits for the next readiness; and an accept out of fds (EMFILE, ENFILE) stops
// watching the listener, which would otherwise stay readable and spin the CPU, until a client
// closes and frees an fd. What it still hopes, as Python's does: that conn.send() takes all; a
// client whose send would block is dropped.
import { DefaultSelector, EVENT_READ, socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();
let served = 0;

const sel = new DefaultSelector<(sock: socket.Socket, mask: number) => void, socket.Socket>();

function accept(sock: socket.Socket, _mask: number) {
  const [conn, addr] = sock.accept(); // Should be ready
  console.log('accepted', conn.fileno(), 'from', addr);
  conn.setblocking(false);
  sel.register(conn, EVENT_READ, read);
}

function read(conn: socket.Socket, _mask: number) {
  const data = conn.recv(1000); // Should be ready
  if (data.length) {
    console.log('echoing', data, 'to', conn.fileno());
    conn.send(data); // Hope it won't block
  } else {
    console.log('closing', conn.fileno());
    sel.unregister(conn);
    conn.close();
    served++;
    resumeAccepting(); // an fd is free again
  }
}

// Out of fds: the pending connection stays queued until a client closes and frees one.
const OUT_OF_FDS = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);
let pausedListener: socket.Socket | undefined;

function resumeAccepting() {
  if (pausedListener === undefined) return;
  sel.register(pausedListener, EVENT_READ, accept);
  pausedListener = undefined;
}

// What a callback's error means for its file object (asyncio's loop draws the same lines).
function recover(sock: socket.Socket, callback: unknown, err: unknown) {
  const { code = '', syscall } = err as NodeJS.ErrnoException;
  // Nothing there after all: wait again. (A send that would block is different: that client
  // does not read its echo, and the bytes are lost: it is dropped below.)
  if ((code === 'EAGAIN' || code === 'EINTR') && syscall !== 'send') return;
  if (callback === accept) {
    if (code === 'ECONNABORTED') return; // that client gave up while queued
    if (!OUT_OF_FDS.has(code)) throw err;
    console.log('accept failed:', code, '- waiting for a client to close');
    sel.unregister(sock);
    pausedListener = sock;
    return;
  }
  console.log('closing', sock.fileno(), 'after', code);
  sel.unregister(sock);
  sock.close();
  served++;
  resumeAccepting();
}

const sock = socket.socket();
sock.bind(['localhost', port]);
sock.listen(100);
sock.setblocking(false);
sel.register(sock, EVENT_READ, accept);
console.log('listening on', sock.getsockname()[1]);

for (;;) {
  const events = sel.select();
  for (const [key, mask] of events) {
    const callback = key.data;
    try {
      callback(key.fileobj, mask);
    } catch (err) {
      recover(key.fileobj, callback, err);
    }
  }
  if (served >= maxClients) break;
}
sel.close();
sock.close();
