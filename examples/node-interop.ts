// Sockets between iomux and node:net, both ways, in one echo server. A socket is an fd, so it
// moves without copying a byte; what must never happen is two owners closing one fd.
//
// - Node → iomux: a net.Server listens on the port; iomux takes its listening socket
//   (`server._handle.fd`, duplicated with os.dup so that each side owns one fd), Node closes its
//   own copy, and an iomux EventLoop accepts the connections.
// - iomux → Node: each connection iomux accepts is handed to Node's streams with
//   `new net.Socket({ fd: conn.detach() })` (detach gives the fd up without closing it), and Node
//   echoes on it.
// - iomux → Node, a listener: a second port, opened by iomux (`socket.createServer`) and served
//   entirely by a net.Server: `listen({ fd: listener.detach() })`. It prints `node on <port>`.
//
//   node -r ./scripts/register-ts.js examples/node-interop.ts [port] [--max-clients N]
import net, { type AddressInfo } from 'node:net';
import { EventLoop, os, socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();
const loop = new EventLoop();
const streams = new Set<net.Socket>();
let served = 0;
let listener: socket.Socket | undefined; // iomux's copy of Node's listening socket
let nodeServes: net.Server | undefined; // Node's server on iomux's listening socket

// The fd under a net.Server or net.Socket (Unix): Node's handle keeps it in an undocumented field.
function fdOf(thing: net.Server | net.Socket): number {
  const fd = (thing as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('this Node keeps no fd on its handle (Windows?)');
  return fd;
}

// Node's side of every connection, whichever way it came: echo every byte, count it when it ends.
function echo(stream: net.Socket): void {
  streams.add(stream);
  stream.on('data', (data: Buffer) => stream.write(data));
  stream.on('end', () => stream.end());
  stream.on('error', (err) => console.log('client error:', (err as NodeJS.ErrnoException).code));
  stream.on('close', () => {
    streams.delete(stream);
    served++;
    console.log('closed, clients served:', served);
    if (served >= maxClients) stop();
  });
}

function listen(server: net.Server, options: net.ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => resolve());
  });
}

function stop(): void {
  if (listener === undefined || listener.closed) return;
  loop.removeReader(listener);
  listener.close();
  nodeServes?.close();
  for (const stream of streams) stream.destroy();
  loop.stop();
}

async function main(): Promise<void> {
  // Node → iomux: a listening socket made by Node, accepted on by iomux.
  const nodeMade = net.createServer();
  await listen(nodeMade, { host: '127.0.0.1', port });
  const taken = socket.Socket.fromfd(os.dup(fdOf(nodeMade))); // iomux's own fd for the same socket
  listener = taken;
  nodeMade.close(); // Node's fd closes; the socket stays open through iomux's copy
  // (The copy shares Node's open file: it is already non-blocking, as an EventLoop wants it.)

  // iomux → Node: every connection iomux accepts becomes a net.Socket.
  loop.addReader(taken, () => {
    let conn: socket.Socket, addr: socket.Address;
    try {
      [conn, addr] = taken.accept();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'ECONNABORTED') return; // nobody after all
      throw err;
    }
    console.log('iomux accepted', addr, '- handing it to node:net');
    echo(new net.Socket({ fd: conn.detach(), readable: true, writable: true }));
  });

  // iomux → Node, a listener: a socket iomux opened, served by a net.Server.
  const iomuxMade = socket.createServer(['127.0.0.1', 0]);
  nodeServes = net.createServer((stream) => {
    console.log('node accepted', [stream.remoteAddress, stream.remotePort]);
    echo(stream);
  });
  await listen(nodeServes, { fd: iomuxMade.detach() } as net.ListenOptions);

  process.on('SIGTERM', stop);

  console.log('node on', (nodeServes.address() as AddressInfo).port);
  console.log('listening on', taken.getsockname()[1]);
  await loop.run();
  loop.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
