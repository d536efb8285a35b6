// The fourth I/O model: signal-driven I/O. Instead of asking whether a socket is ready, the
// program asks the kernel to tell it: with O_ASYNC set and an owner named (fcntl F_SETOWN), the
// kernel sends SIGIO to the owner whenever the socket becomes readable or writable. Between
// signals the process waits in Node's event loop, doing nothing; the SIGIO handler then does the
// non-blocking accept(), recv() and send().
//
// A plain SIGIO says that *some* fd is ready, not which, and signals do not queue: one SIGIO
// may stand for many events. So the handler tries every socket until each says EAGAIN.
import { os, socket } from '../lib/index';
import { serverArgs } from './args';

const { port, maxClients } = serverArgs();

interface Client {
  sock: socket.Socket;
  unsent: Buffer; // bytes received but not yet echoed
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

// Ask for SIGIO on `sock`: it must not block, and this process is the one to be signalled.
function signalMe(sock: socket.Socket): void {
  sock.setblocking(false);
  os.setOwner(sock.fileno(), process.pid);
  os.setAsync(sock.fileno(), true);
}

let clients: Client[] = [];
let served = 0;
let sigios = 0;

function onSigio(): void {
  if (server.closed) return; // a late signal, after stop()
  sigios++;
  for (;;) {
    try {
      const [sock, addr] = server.accept();
      // Linux does not pass O_NONBLOCK, O_ASYNC or the owner on to an accepted socket. Bytes
      // that arrived before signalMe() raised no signal for us, but the loop below reads them.
      signalMe(sock);
      clients.push({ sock, unsent: Buffer.alloc(0), eof: false });
      console.log('connected', addr);
    } catch (err) {
      if (wouldBlock(err)) break;
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
      else if (!wouldBlock(err)) throw err;
    }
    try {
      // When the send buffer is full, the kernel sends SIGIO again once it has room.
      while (!client.gone && client.unsent.length > 0) client.unsent = client.unsent.subarray(client.sock.send(client.unsent));
    } catch (err) {
      if (peerGone(err)) client.gone = true;
      else if (!wouldBlock(err)) throw err;
    }
    if (client.gone || (client.eof && client.unsent.length === 0)) {
      client.sock.close();
      served++;
      console.log('closed, clients served:', served);
    }
  }
  clients = clients.filter((client) => !client.sock.closed);
  if (served >= maxClients) stop();
}

// SIGIO's default action ends the process, so the handler goes in before any O_ASYNC is set.
process.on('SIGIO', onSigio);

const server = socket.socket();
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
server.bind(['localhost', port]);
server.listen(5);
signalMe(server);

// A signal listener does not keep Node alive; this timer does, until stop().
const keepAlive = setInterval(() => {}, 1 << 30);

function stop(): void {
  if (server.closed) return;
  clearInterval(keepAlive);
  for (const client of clients) client.sock.close();
  clients = [];
  server.close();
  console.log('SIGIO received', sigios, 'times');
}

process.on('SIGTERM', stop);
console.log('listening on', server.getsockname()[1]);
