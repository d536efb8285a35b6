// fd reuse under in-flight operations: a connection with a receive pending is closed (after
// ring.close(), or after its op was cancelled) and a new connection is accepted onto the same fd
// number. The old operation must not touch the new connection, and the old peer sees EOF.
import { constants as osConstants } from 'node:os';
import * as os from '../../lib/os';
import { socket, AF_INET, SOCK_STREAM, type Socket } from '../../lib/socket';
import { Ring } from '../../lib/uring';
import { whenUring } from '../helpers/platform';

const ECANCELED = -osConstants.errno.ECANCELED;

function listener(): [Socket, number] {
  const server = socket(AF_INET, SOCK_STREAM);
  server.bind(['127.0.0.1', 0]);
  server.listen(8);
  return [server, (server.getsockname() as [string, number])[1]];
}

function connect(port: number): Socket {
  const client = socket(AF_INET, SOCK_STREAM);
  client.connect(['127.0.0.1', port]);
  return client;
}

for (const how of ['ring.close()', 'prepCancel'] as const) {
  whenUring.test(`after ${how}, a new connection on the same fd number sees only its own bytes; the old peer sees EOF`, () => {
    const [server, port] = listener();
    const oldClient = connect(port);
    const [oldConn] = server.accept();
    const fd = oldConn.fileno();
    let ring = new Ring(8);
    const oldBuf = Buffer.alloc(16);
    ring.prepRecv(oldConn, oldBuf, 1);
    ring.submit();
    if (how === 'ring.close()') {
      ring.close();
      ring = new Ring(8);
    } else {
      ring.prepCancel(1, 2);
      const got = new Map(ring.wait(2, 5).map(([tag, res]) => [tag, res]));
      expect(got.get(1)).toBe(ECANCELED);
    }
    const newClient = connect(port); // its socket first, so that accept gets the freed number
    oldConn.close();
    const [newConn] = server.accept();
    try {
      expect(newConn.fileno()).toBe(fd); // the number was reused
      const newBuf = Buffer.alloc(16);
      ring.prepRecv(newConn, newBuf, 1); // even the same tag
      ring.submit();
      newClient.send(Buffer.from('new'));
      expect(ring.wait(1, 5)).toEqual([[1, 3, 0]]);
      expect(newBuf.subarray(0, 3).toString()).toBe('new');
      expect(oldBuf.equals(Buffer.alloc(16))).toBe(true); // the old receive never wrote
      // The old connection is really closed: its client reads EOF.
      os.setBlocking(oldClient.fileno(), true);
      expect(oldClient.recv(16).length).toBe(0);
    } finally {
      ring.close();
      for (const s of [server, oldClient, newClient, newConn]) s.close();
    }
  });
}
