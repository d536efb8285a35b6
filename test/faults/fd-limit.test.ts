// At the fd limit (`ulimit -n` small, in the child only), a flood of connections makes accept()
// fail with EMFILE while the listening socket stays readable. The selectors example and the
// EventLoop example must keep serving the clients they have, not spin the CPU on the readable
// listener (under 10% of one core, from /proc/PID/stat, while they wait for fds), not crash, and
// accept the queued clients once fds free up.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAll, listeningPort, NODE_TS, ROOT, start } from '../helpers/child';
import { fdCount } from '../helpers/fds';
import { echoWithin, NetClients, until } from '../helpers/net';
import { cpuSeconds } from './harness';

afterEach(killAll);

const LIMIT = 64;
const QUEUED = 20; // connections beyond what the server can hold
const CPU_WINDOW_SECONDS = 2;

const clients = new NetClients();
afterEach(() => clients.destroyAll());

test.each(['selectors-echo', 'eventloop-beside-http'])('examples/%s at `ulimit -n 64`: keeps serving, waits for fds without spinning, accepts again', async (name) => {
  const file = path.join(ROOT, 'examples', `${name}.ts`);
  const ex = start('bash', ['-c', `ulimit -n ${LIMIT} && exec "$@"`, 'bash', process.execPath, ...NODE_TS, file, '0']);
  const port = await listeningPort(ex);
  const pid = ex.process.pid!;
  const room = LIMIT - fdCount(pid);
  expect(room).toBeGreaterThan(5);

  // Fill every free fd, and queue QUEUED more connections in the listen backlog.
  const first = await clients.connect(port);
  expect(await echoWithin(first, 'hello', 10000)).toBe('hello');
  for (let i = 1; i < room + QUEUED; i++) await clients.connect(port);
  const full = await until(() => ex.process.exitCode !== null || fdCount(pid) >= LIMIT, 10000);
  expect({ full, exitCode: ex.process.exitCode, stderr: ex.stderr() }).toEqual({ full: true, exitCode: null, stderr: '' });
  await sleep(300); // past the first EMFILE: the server now waits for fds

  // Waiting for fds costs (almost) no CPU, and the clients it has are still served.
  const cpu0 = cpuSeconds(pid);
  await sleep(CPU_WINDOW_SECONDS * 1000);
  const cpuShare = (cpuSeconds(pid) - cpu0) / CPU_WINDOW_SECONDS;
  expect({ name, cpuShare, under10Percent: cpuShare < 0.1 }).toEqual({ name, cpuShare, under10Percent: true });
  expect(await echoWithin(first, 'still here', 10000)).toBe('still here');
  expect(ex.process.exitCode).toBeNull();

  // Free fds: close most of the accepted clients; the queued ones are accepted and served.
  for (const c of clients.open.slice(1, room - 2)) c.destroy();
  const last = clients.open.at(-1)!;
  expect(await echoWithin(last, 'at last', 10000)).toBe('at last');
  expect(await echoWithin(first, 'and you', 10000)).toBe('and you');
  expect(ex.stderr()).toBe('');
}, 60_000);
