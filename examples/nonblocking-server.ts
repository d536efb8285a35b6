// The second I/O model: non-blocking I/O. With setblocking(false), accept(), recv() and send()
// never sleep: when nothing is ready they fail at once with EAGAIN (Python's BlockingIOError),
// and the program asks again later. One thread serves every client, but it has to poll each
// socket in turn, round after round, whether anything happened or not.
import { setTimeout as sleep } from 'node:timers/promises';
import { socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();

interface Client {
  sock: socket.Socket;
  unsent: Buffer; // bytes received but not yet echoed: send() takes what fits
  eof: boolean; // the client has sent everything it will send
  gone?: boolean; // the client reset or vanished: close without echoing the rest
}

function wouldBlock(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'EAGAIN';
}

// A client that resets (ECONNRESET) or has gone (EPIPE) ends its own connection, no other.
function peerGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

// Bytes held for one client before reading from it stops until they are echoed: a client that
// sends but never reads must not make the server buffer without end.
const MAX_UNSENT = 1 << 20;

const server = socket.socket();
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind(['localhost', port]);
server.listen(5);
server.setblocking(false);

let clients: Client[] = [];
let served = 0;
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
console.log('listening on', server.getsockname()[1]);

// One round: try everything once; each call either does some work or says EAGAIN at once.
function round(): void {
  for (;;) {
    try {
      const [sock, addr] = server.accept();
      sock.setblocking(false);
      clients.push({ sock, unsent: Buffer.alloc(0), eof: false });
      console.log('connected', addr);
    } catch (err) {
      if (wouldBlock(err)) break; // nobody new
      throw err;
    }
  }
  for (const client of clients) {
    try {
      while (!client.eof && client.unsent.length < MAX_UNSENT) {
        const data = client.sock.recv(4096);
        if (data.length === 0) client.eof = true;
        else client.unsent = Buffer.concat([client.unsent, data]);
      }
    } catch (err) {
      if (peerGone(err)) client.gone = true;
      else if (!wouldBlock(err)) throw err; // EAGAIN: nothing more for now
    }
    try {
      while (!client.gone && client.unsent.length > 0) client.unsent = client.unsent.subarray(client.sock.send(client.unsent));
    } catch (err) {
      if (peerGone(err)) client.gone = true;
      else if (!wouldBlock(err)) throw err; // EAGAIN: the send buffer is full, go on next round
    }
    if (client.gone || (client.eof && client.unsent.length === 0)) {
      client.sock.close();
      served++;
      console.log('closed, clients served:', served);
    }
  }
  clients = clients.filter((client) => !client.sock.closed);
}

async function serve(): Promise<void> {
  while (!stopping && served < maxClients) {
    round();
    // Nothing here ever blocks, so without a pause the loop would spin the CPU flat out. The
    // pause is a timer, not Atomics.wait, so that Node's event loop turns and SIGTERM is heard.
    await sleep(5);
  }
  for (const client of clients) client.sock.close();
  server.close();
}

void serve();
