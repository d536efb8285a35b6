// ProactorEventLoop's sockAccept: with no accept of its socket pending, a connection already
// waiting is taken at once with accept4(2) (a burst is accepted in one turn); a blocking or
// timeout-mode listening socket never blocks the thread; with nothing waiting the accept goes to
// the ring.
import { ProactorEventLoop } from '../../lib/proactor';
import { AF_INET, createServer, socket, type Socket } from '../../lib/socket';
import { expectNoFdLeaks } from '../helpers/fds';
import { whenUring } from '../helpers/platform';
import { closeAfterEach } from '../helpers/tracked';

const { track } = closeAfterEach();

expectNoFdLeaks();

function listener(): [Socket, [string, number]] {
  const server = track(createServer(['127.0.0.1', 0], { backlog: 64 } as never));
  return [server, server.getsockname() as [string, number]];
}

function connected(address: [string, number]): Socket {
  const c = track(socket(AF_INET));
  c.connect(address);
  return c;
}

whenUring.describe('ProactorEventLoop sockAccept', () => {
  test('connections already waiting are accepted with the loop never run: each one non-blocking, with its peer\'s address, in order', async () => {
    const loop = track(new ProactorEventLoop());
    const [server, address] = listener();
    server.setblocking(false);
    const clients = [connected(address), connected(address), connected(address)];
    for (const client of clients) {
      const [conn, peer] = await loop.sockAccept(server);
      track(conn);
      expect(conn.getblocking()).toBe(false);
      expect(peer).toEqual(client.getsockname());
    }
  });

  for (const mode of ['blocking', 'timeout-mode (settimeout(5))'] as const) {
    test(`a ${mode} listening socket with nothing waiting: the call returns at once, the accept completes on the ring when a client comes`, async () => {
      const loop = track(new ProactorEventLoop());
      const running = loop.run();
      const [server, address] = listener();
      if (mode === 'blocking') server.setblocking(true);
      else server.settimeout(5);
      const t0 = Date.now();
      const p = loop.sockAccept(server);
      expect(Date.now() - t0).toBeLessThan(1000); // an accept4 that blocked would not return here
      await new Promise((r) => setTimeout(r, 20));
      const client = connected(address);
      const [conn, peer] = await p;
      track(conn);
      expect(peer).toEqual(client.getsockname());
      expect(conn.getblocking()).toBe(false);
      loop.stop();
      await running;
    });
  }

  test('a blocking listening socket with a connection waiting: taken through the ring, not by a blocking accept4', async () => {
    const loop = track(new ProactorEventLoop());
    const running = loop.run();
    const [server, address] = listener();
    server.setblocking(true);
    const client = connected(address);
    const [conn, peer] = await loop.sockAccept(server);
    track(conn);
    expect(peer).toEqual(client.getsockname());
    loop.stop();
    await running;
  });
});
