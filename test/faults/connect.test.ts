// A blocking connect interrupted by a signal goes on in the kernel (connect(2), EINTR); calling
// connect() again then fails with EISCONN or EALREADY, so PEP 475 has Python wait for
// writability and read SO_ERROR instead, and sock.connect() succeeds. The preload injects that
// EINTR (after the connection is made, as on loopback) into every blocking connect.
import path from 'node:path';
import { describeFaults, faultEnv, faultTest, FIXTURES, killAll, SKIP_REASON, startNode, type Faults } from './harness';

afterEach(killAll);

faultTest(`a blocking connect() and createConnection() interrupted by a signal still connect, as in Python${SKIP_REASON}`, async () => {
  const faults: Faults = { rate: 1, seed: 1, calls: 'connect:EINTR' };
  const { env } = faultEnv(faults);
  const child = startNode(path.join(FIXTURES, 'connect-eintr.js'), [], env);
  const exit = await child.exited;
  const why = `reproduce with ${describeFaults(faults)}`;
  expect({ why, exit, stderr: child.stderr(), outcome: JSON.parse(child.stdout()) as unknown }).toEqual({
    why,
    exit: { code: 0, signal: null },
    stderr: '',
    outcome: { connect: 'ok', createConnection: 'ok' },
  });
}, 30_000);
