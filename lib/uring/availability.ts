// Whether io_uring can be used here, decided once per process: the environment first
// (IOMUX_URING=0 simulates a kernel or container without it), then the addon's probe.
import { native } from '../native';

function probe(): string | null {
  if (process.env.IOMUX_URING === '0') return 'IOMUX_URING=0 is set in the environment';
  if (typeof native.uringProbe !== 'function') return `io_uring exists only on Linux (this is ${process.platform})`;
  const reason = native.uringProbe();
  return reason === '' ? null : reason;
}

/** Why io_uring is unusable in this process, or null when it is usable. */
export const UNAVAILABLE: string | null = probe();
