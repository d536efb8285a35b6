// An iomux EventLoop and Node's own http server, side by side in one process. The echo server
// runs on iomux sockets and readiness callbacks (the selectors example, packaged as EventLoop);
// the http server runs on libuv as usual. loop.run() never blocks the thread: it waits for the
// selector's kernel fd from inside Node's event loop, so both are served at once.
//
// GET / on the http port answers with what the echo server has done so far, as JSON.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventLoop, socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();
const stats = { connected: 0, served: 0, bytesEchoed: 0 };
const loop = new EventLoop();
const open = new Set<socket.Socket>(); // connected clients, closed on the way out

const server = socket.createServer(['localhost', port]);
server.setblocking(false);
// Readiness is a hint, not a promise (select(2), BUGS): a ready socket can still say EAGAIN, so
// every call below is ready for it, as asyncio's loop is.
function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

// accept() out of fds (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM) leaves the connection
// queued and the listener readable: accepting again at once would spin the CPU. So, as asyncio's
// _accept_connection does, stop watching the listener and look again a little later.
const ACCEPT_RETRY_SECONDS = 0.1;
const OUT_OF_RESOURCES = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);

function onAcceptable(): void {
  let conn: socket.Socket, addr: socket.Address;
  try {
    [conn, addr] = server.accept();
  } catch (err) {
    if (OUT_OF_RESOURCES.has(codeOf(err)!)) {
      loop.removeReader(server);
      loop.callLater(ACCEPT_RETRY_SECONDS, () => loop.addReader(server, onAcceptable));
      return;
    }
    // Nobody after all, or a client that gave up while queued: wait for the next one.
    if (['EAGAIN', 'EINTR', 'ECONNABORTED'].includes(codeOf(err)!)) return;
    throw err;
  }
  conn.setblocking(false);
  open.add(conn);
  stats.connected++;
  console.log('connected', addr);
  let unsent: Buffer = Buffer.alloc(0);

  const close = (): void => {
    loop.removeReader(conn);
    loop.removeWriter(conn);
    open.delete(conn);
    conn.close();
    stats.served++;
    console.log('closed, clients served:', stats.served);
    if (stats.served >= maxClients) stop();
  };
  // A client that resets (ECONNRESET) or has gone (EPIPE) ends its own connection, no other.
  const send = (data: Buffer): Buffer | undefined => {
    try {
      return data.subarray(conn.trySend(data) ?? 0);
    } catch (err) {
      console.log('client error:', codeOf(err));
      close();
      return undefined;
    }
  };

  const onReadable = (): void => {
    let data: Buffer;
    try {
      data = conn.recv(65536);
    } catch (err) {
      if (codeOf(err) === 'EAGAIN') return; // nothing after all: wait for the next readiness
      console.log('client error:', codeOf(err));
      return close();
    }
    if (data.length === 0) return close();
    stats.bytesEchoed += data.length;
    const rest = send(data);
    if (rest === undefined) return;
    unsent = rest;
    if (unsent.length > 0) {
      // The client is not reading fast enough: stop reading until its echo has gone out.
      loop.removeReader(conn);
      loop.addWriter(conn, onWritable);
    }
  };
  const onWritable = (): void => {
    const rest = send(unsent);
    if (rest === undefined) return;
    unsent = rest;
    if (unsent.length === 0) {
      loop.removeWriter(conn);
      loop.addReader(conn, onReadable);
    }
  };
  loop.addReader(conn, onReadable);
}
loop.addReader(server, onAcceptable);

const web = http.createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(stats));
});

function stop(): void {
  loop.stop();
  web.close();
}
process.on('SIGTERM', stop);

web.listen(0, '127.0.0.1', () => {
  console.log('http on', (web.address() as AddressInfo).port);
  console.log('listening on', server.getsockname()[1]);
  loop.run().then(
    () => {
      loop.close();
      for (const conn of open) conn.close();
      server.close();
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
