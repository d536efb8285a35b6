// The first I/O model: blocking I/O. accept(), recv() and send() each put the thread to sleep in
// the kernel until they can complete, so this server talks to one client at a time; a second
// client waits in the listen backlog until the first has gone.
//
// While the thread sleeps in the kernel no JavaScript runs, not even a signal handler: there is
// none here, and SIGTERM's default action ends the process (the kernel closes its sockets).
import { socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();

const server = socket.socket();
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind(['localhost', port]);
server.listen(5);
console.log('listening on', server.getsockname()[1]);

for (let served = 0; served < maxClients; served++) {
  const [conn, addr] = server.accept(); // blocks until a client connects
  console.log('connected', addr);
  try {
    for (;;) {
      const data = conn.recv(1024); // blocks until bytes arrive or the client closes
      if (data.length === 0) break;
      conn.sendall(data); // blocks until the kernel has taken every byte
    }
  } catch (err) {
    // A client that resets (ECONNRESET) or vanishes mid-sendall (EPIPE) ends its own
    // connection; the server goes on to the next one.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE') throw err;
    console.log('client error:', code);
  }
  console.log('closed', addr);
  conn.close();
}
server.close();
