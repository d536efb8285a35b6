// A blocking connect interrupted by a signal goes on in the kernel (connect(2), EINTR); calling
// connect() again then fails with EISCONN or EALREADY, so PEP 475 has Python wait for
// writability and read SO_ERROR instead, and sock.connect() succeeds. The preload injects that
// EINTR (after the connection is made, as on loopback) into every blocking connect.
import path from 'node:path';
import { describeFaults, faultEnv, FIXTURES, killAll, startNode, whenFaults, type Faults } from './harness';

afterEach(killAll);

whenFaults.test('a blocking connect() and createConnection() interrupted by a signal still connect, as in Python', async () => {
  const faults: Faults = { rate: 1, seed: 1, calls: 'connect:EINTR' };
  const { env } = faultEnv(faults);
  const child = startNode(path.join(FIXTURES, 'connect-eintr.js'), [], env);
  const r = await child.exited;
  const why = `reproduce with ${describeFaults(faults)}`;
  expect({ why, status: r.status, signal: r.signal, stderr: r.stderr, outcome: JSON.parse(r.stdout) as unknown }).toEqual({
    why,
    status: 0,
    signal: null,
    stderr: '',
    outcome: { connect: 'ok', createConnection: 'ok' },
  });
}, 30_000);
