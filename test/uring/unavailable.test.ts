// IOMUX_URING=0 simulates a kernel or container without io_uring (kernel.io_uring_disabled, a
// seccomp profile): each case runs in a child process, whatever this machine offers.
import { linuxOnly } from '../helpers/platform';
import { runFixture } from './helpers';

const linux = process.platform === 'linux';

test('IOMUX_URING=0: Ring and IoUringSelector are unavailable with the reason; DefaultSelector is unaffected', () => {
  const { status, json: lines, stderr } = runFixture('unavailable.js', [], { ...process.env, IOMUX_URING: '0', IOMUX_SELECTOR: '' });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  const [r] = lines as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(r.available).toBe(false);
  expect(r.reason).toBe(linux ? 'IOMUX_URING=0 is set in the environment' : expect.stringContaining('only on Linux'));
  expect(r.sameNamespace).toBe(true);
  expect(r.ring.code).toBe('ERR_NOT_SUPPORTED');
  expect(r.ring.message).toBe(`io_uring is unavailable (${r.reason})`);
  expect(r.proactor).toEqual({ code: 'ERR_NOT_SUPPORTED', message: `ProactorEventLoop: io_uring is unavailable (${r.reason})` });
  expect(r.selectorAvailable).toBe(false);
  expect(r.selector.code).toBe('ERR_NOT_SUPPORTED');
  expect(r.defaultSelector).toEqual({ made: linux ? 'EpollSelector' : expect.any(String) });
});

test('IOMUX_URING=0 with IOMUX_SELECTOR=uring: DefaultSelector fails with ERR_NOT_SUPPORTED (never a silent fallback)', () => {
  const { status, json: lines, stderr } = runFixture('unavailable.js', [], { ...process.env, IOMUX_URING: '0', IOMUX_SELECTOR: 'uring' });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  expect(lines[0].defaultSelector).toMatchObject({ code: 'ERR_NOT_SUPPORTED' });
});

linuxOnly.test('without IOMUX_URING, availability is whatever the kernel allows, with a reason when not', () => {
  const { status, json: lines } = runFixture('unavailable.js', [], { ...process.env, IOMUX_URING: '', IOMUX_SELECTOR: '' });
  expect(status).toBe(0);
  const [r] = lines as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (r.available) {
    expect(r.reason).toBeNull();
    expect(r.ring).toEqual({ made: 'Ring' });
    expect(r.selector).toEqual({ made: 'IoUringSelector' });
  } else {
    expect(r.reason).toMatch(/io_uring|IORING/);
    expect(r.ring.code).toBe('ERR_NOT_SUPPORTED');
  }
});
