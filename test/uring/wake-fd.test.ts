// The eventfd that stands in for a DEFER_TASKRUN ring's fd (native uringWakeFd / uringArmWake):
// such a ring's own fd wakes no poller, so its owner watches this one. Checked with poll(2) (the
// select module) on real rings: readable when a completion was posted, cleared by uringArmWake,
// made readable again by it when work is already waiting, closed with the ring; bad arguments
// throw coded errors.
import { native, type UringHandle } from '../../lib/native';
import { select } from '../../lib/select';
import { codeOf } from '../helpers/bad-input';
import { whenUring } from '../helpers/platform';

const DEFER_TASKRUN = 1 << 13;
const EINVAL = -22;
const EBADF = -9;

const readable = (fd: number): boolean => select([fd], [], [], 0)[0].length === 1;

function deferredRing(): UringHandle | undefined {
  const h = native.uringSetup!(8, 0, true) as UringHandle;
  if ((native.uringFlags!(h) & DEFER_TASKRUN) !== 0) return h;
  native.uringClose!(h);
  return undefined; // this kernel (or IOMUX_URING_SETUP_FLAGS) gives no DEFER_TASKRUN ring
}

whenUring.test('a DEFER_TASKRUN ring gives one eventfd, readable once a completion is posted, cleared before a sleep, closed with the ring', () => {
  const h = deferredRing();
  if (h === undefined) return;
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
