// iomux/errno and os.strerror against CPython's errno module and os.strerror on this machine: every
// name and number, errorcode (including which of two names sharing a number it keeps), and the
// messages; and how the positive numbers meet the negative errno of iomux's thrown errors.
import { constants as osConstants } from 'node:os';
import * as errno from '../../lib/errno';
import { errno as errnoFromIndex } from '../../lib/index';
import { strerror } from '../../lib/os';
import { AF_INET, SOCK_STREAM, socket } from '../../lib/socket';
import { runSync, succeeded } from '../helpers/child';
import { whenCommand } from '../helpers/platform';

const python = whenCommand('python3');
const NAMES = Object.keys(errno).filter((k) => /^E[A-Z0-9]+$/.test(k));
const table = errno as unknown as Record<string, number | undefined>;

python.describe('as CPython', () => {
  let py: { names: Record<string, number>; errorcode: Record<string, string>; messages: Record<string, string> };
  beforeAll(() => {
    py = JSON.parse(succeeded(runSync('python3', ['-c', [
      'import errno, json, os',
      'names = {k: getattr(errno, k) for k in dir(errno) if k.startswith("E")}',
      'print(json.dumps({"names": names, "errorcode": errno.errorcode, "messages": {n: os.strerror(n) for n in range(-2, 160)}}))',
    ].join('\n')], { timeoutMs: 30_000 }), 'python3 errno'));
  });

  test('every errno name CPython has here, with its number; no name CPython lacks here', () => {
    const defined = Object.fromEntries(NAMES.filter((n) => table[n] !== undefined).map((n) => [n, table[n]]));
    expect(defined).toEqual(py.names);
  });

  test('errorcode maps every number to the name CPython gives it (EAGAIN over EWOULDBLOCK, …)', () => {
    expect(Object.fromEntries(Object.entries(errno.errorcode).map(([k, v]) => [String(k), v]))).toEqual(py.errorcode);
    expect(errno.errorcode[errno.EAGAIN]).toBe('EAGAIN');
  });

  test('os.strerror gives CPython\'s message for every number from -2 to 159', () => {
    for (let n = -2; n < 160; n++) expect([n, strerror(n)]).toEqual([n, py.messages[String(n)]]);
  });
});

test('the numbers are Node\'s too (os.constants.errno), positive; the index exports the same module', () => {
  for (const [name, value] of Object.entries(osConstants.errno)) {
    if (table[name] !== undefined) expect([name, table[name]]).toEqual([name, value]);
  }
  expect(errno.ENOENT).toBeGreaterThan(0);
  expect(errnoFromIndex.ECONNREFUSED).toBe(errno.ECONNREFUSED);
  expect(Object.isFrozen(errno.errorcode)).toBe(true);
});

test('a thrown error\'s errno is the negative number; connectEx returns the positive one; strerror reads it', () => {
  const probe = socket(AF_INET, SOCK_STREAM);
  probe.bind(['127.0.0.1', 0]);
  const port = (probe.getsockname() as [string, number])[1]; // bound, not listening: a connect is refused
  const a = socket();
  const b = socket();
  try {
    let thrown: { errno?: number; code?: string } = {};
    try {
      a.connect(['127.0.0.1', port]);
    } catch (err) {
      thrown = err as typeof thrown;
    }
    expect(thrown).toMatchObject({ code: 'ECONNREFUSED', errno: -errno.ECONNREFUSED });
    const n = b.connectEx(['127.0.0.1', port]);
    expect(n).toBe(errno.ECONNREFUSED);
    expect(errno.errorcode[n]).toBe(thrown.code);
    expect(strerror(n)).toMatch(/refused/i);
  } finally {
    a.close();
    b.close();
    probe.close();
  }
});
