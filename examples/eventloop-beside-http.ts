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
server.setBlocking(false);
loop.addReader(server, () => {
  const [conn, addr] = server.accept(); // ready: will not block
  conn.setBlocking(false);
  open.add(conn);
  stats.connected++;
  console.log('connected', addr);
  let unsent: Buffer = Buffer.alloc(0);

  const onReadable = (): void => {
    const data = conn.recv(65536); // ready: will not block
    if (data.length === 0) {
      loop.removeReader(conn);
      open.delete(conn);
      conn.close();
      stats.served++;
      console.log('closed, clients served:', stats.served);
      if (stats.served >= maxClients) stop();
      return;
    }
    stats.bytesEchoed += data.length;
    unsent = data.subarray(conn.trySend(data) ?? 0);
    if (unsent.length > 0) {
      // The client is not reading fast enough: stop reading until its echo has gone out.
      loop.removeReader(conn);
      loop.addWriter(conn, onWritable);
    }
  };
  const onWritable = (): void => {
    unsent = unsent.subarray(conn.trySend(unsent) ?? 0);
    if (unsent.length === 0) {
      loop.removeWriter(conn);
      loop.addReader(conn, onReadable);
    }
  };
  loop.addReader(conn, onReadable);
});

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
