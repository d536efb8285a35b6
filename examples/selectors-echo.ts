// The selectors example: Python's `selectors` echo server (accept and read callbacks
// on a DefaultSelector, the callback kept in key.data), ported line for line. README.md shows the
// same program; test/examples checks that every line there is here, in the same order. The
// lines that are here only are the command line, the `listening on` line and --max-clients.
//
// sel.select() blocks the thread, as in Python, so no JavaScript signal handler could run:
// SIGTERM's default action ends the process (the kernel closes its sockets).
import { DefaultSelector, EVENT_READ, socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();
let served = 0;

const sel = new DefaultSelector<(sock: socket.Socket, mask: number) => void>();

function accept(sock: socket.Socket, _mask: number) {
  const [conn, addr] = sock.accept(); // Should be ready
  console.log('accepted', conn.fileno(), 'from', addr);
  conn.setBlocking(false);
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
  }
}

const sock = socket.socket();
sock.bind(['localhost', port]);
sock.listen(100);
sock.setBlocking(false);
sel.register(sock, EVENT_READ, accept);
console.log('listening on', sock.getsockname()[1]);

for (;;) {
  const events = sel.select();
  for (const [key, mask] of events) {
    const callback = key.data;
    callback(key.fileobj as socket.Socket, mask);
  }
  if (served >= maxClients) break;
}
sel.close();
sock.close();
