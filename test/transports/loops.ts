// The loops every transport test runs on: EventLoop (readiness), ProactorEventLoop with its fast
// path (multishot accept and receive into provided buffers), and ProactorEventLoop as on a kernel
// without multishot operations (IOMUX_URING_NO_MULTISHOT=1: one accept and one receive at a time).
import { EventLoop } from '../../lib/loop';
import { ProactorEventLoop } from '../../lib/proactor';
import { everywhere, whenUring, type Gate } from '../helpers/platform';

/** Any loop with transports. */
export type AnyLoop = EventLoop | ProactorEventLoop;

function proactor(multishot: boolean): () => AnyLoop {
  return () => {
    const old = process.env.IOMUX_URING_NO_MULTISHOT;
    if (!multishot) process.env.IOMUX_URING_NO_MULTISHOT = '1';
    try {
      return new ProactorEventLoop();
    } finally {
      if (old === undefined) delete process.env.IOMUX_URING_NO_MULTISHOT;
      else process.env.IOMUX_URING_NO_MULTISHOT = old;
    }
  };
}

/** [label, make a loop, gate]. */
export const LOOPS: ReadonlyArray<[string, () => AnyLoop, Gate]> = [
  ['EventLoop', () => new EventLoop(), everywhere],
  ['ProactorEventLoop', proactor(true), whenUring],
  ['ProactorEventLoop, one operation at a time', proactor(false), whenUring],
];
