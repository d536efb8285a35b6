// The eventfd that stands in for a DEFER_TASKRUN ring's fd (native uringWakeFd / uringArmWake):
// such a ring's own fd wakes no poller, so its owner watches this one. Checked with poll(2) (the
// select module) on real rings: readable when a completion was posted, cleared by uringArmWake,
// made readable again by it when work is already waiting, closed with the ring; bad arguments
// throw coded errors.
import { C, native, type UringHandle } from '../../lib/native';
import * as os from '../../lib/os';
import { select } from '../../lib/select';
import { Ring } from '../../lib/uring';
import { codeOf } from '../helpers/bad-input';
import { when, whenUring } from '../helpers/platform';

const DEFER_TASKRUN = 1 << 13;
const EINVAL = -22;
const EBADF = -9;

const readable = (fd: number): boolean => select([fd], [], [], 0)[0].length === 1;

// Whether this kernel (or IOMUX_URING_SETUP_FLAGS) gives DEFER_TASKRUN rings.
function defers(): boolean {
  if (!Ring.available) return false;
  const h = native.uringSetup!(8, 0, true) as UringHandle;
  const flags = native.uringFlags!(h);
  native.uringClose!(h);
  return (flags & DEFER_TASKRUN) !== 0;
}
const whenDeferred = when(defers(), 'no DEFER_TASKRUN ring here (before Linux 6.1, io_uring unavailable, or IOMUX_URING_SETUP_FLAGS)');

whenDeferred.test('a DEFER_TASKRUN ring gives one eventfd, readable once a completion is posted, cleared before a sleep, closed with the ring', () => {
  const h = native.uringSetup!(8, 0, true) as UringHandle;
  const fd = native.uringWakeFd!(h);
  expect(fd).toBeGreaterThanOrEqual(0);
  expect(native.uringWakeFd!(h)).toBe(fd); // the same fd on every call
  native.uringArmWake!(h);
  expect(readable(fd)).toBe(false);
  // A timeout of 0 ns completes inside the submit: the post signals the eventfd.
  expect(native.uringPrepTimeout!(h, 0, 7)).toBe(0);
  expect(native.uringSubmit!(h)).toBe(1);
  expect(readable(fd)).toBe(true);
  // The completion is still unharvested: arming clears the fd but signals it again.
  native.uringArmWake!(h);
  expect(readable(fd)).toBe(true);
  const out = new Int32Array(3 * 4);
  expect(native.uringWait!(h, 0, 0, out)).toBe(1);
  expect([out[0], out[1]]).toEqual([7, -62]); // -ETIME
  native.uringArmWake!(h);
  expect(readable(fd)).toBe(false);
  native.uringClose!(h);
  expect(() => select([fd], [], [], 0)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  expect(native.uringWakeFd!(h)).toBe(EBADF);
  expect(native.uringArmWake!(h)).toBeUndefined();
});

whenDeferred.test('work deferred with no completion posted yet (a poll that fired) makes uringArmWake signal the fd again', () => {
  const h = native.uringSetup!(8, 0, true) as UringHandle;
  const [r, w] = os.pipe();
  try {
    const fd = native.uringWakeFd!(h);
    expect(native.uringPrepPollAdd!(h, r, C.POLLIN, 5)).toBe(0);
    expect(native.uringSubmit!(h)).toBe(1);
    native.uringArmWake!(h);
    expect(readable(fd)).toBe(false);
    os.write(w, Buffer.from('x')); // the poll fires: its work is deferred, no CQE is posted yet
    expect(readable(fd)).toBe(true);
    native.uringArmWake!(h); // clears the fd, then sees IORING_SQ_TASKRUN: signals it again
    expect(readable(fd)).toBe(true);
    const out = new Int32Array(3 * 4);
    expect(native.uringWait!(h, 0, 0, out)).toBe(1); // runs the work: the poll's completion
    expect(out[0]).toBe(5);
    expect(out[1] & C.POLLIN).toBe(C.POLLIN);
    native.uringArmWake!(h);
    expect(readable(fd)).toBe(false);
  } finally {
    native.uringClose!(h);
    os.close(r);
    os.close(w);
  }
});

whenUring.test('a ring whose fd wakes pollers has no eventfd (-EINVAL)', () => {
  const h = native.uringSetup!(8, 0, false) as UringHandle;
  try {
    expect(native.uringWakeFd!(h)).toBe(EINVAL);
    expect(native.uringArmWake!(h)).toBeUndefined();
  } finally {
    native.uringClose!(h);
  }
});

whenUring.test('uringWakeFd and uringArmWake refuse what is not a ring with a coded error', () => {
  for (const v of [undefined, null, 3, 'h', {}, [], () => 0, 3n, Symbol('s')]) {
    for (const fn of [native.uringWakeFd!, native.uringArmWake!]) {
      const code = codeOf(() => (fn as (h: unknown) => unknown)(v));
      expect(code).toMatch(/^ERR_/);
    }
  }
});
