// IOMUX_SELECTOR (docs/API.md): a value that names no backend, and one that names a backend this
// platform or build lacks, follow one rule: `new DefaultSelector()` throws ERR_NOT_SUPPORTED,
// naming the value and the backends that are available. Each case is a child process with the env set.
import path from 'node:path';
import { EpollSelector, IoUringSelector, KqueueSelector, PollSelector, SelectSelector } from '../../lib/selectors';
import { PREFERRED } from '../helpers/backends';
import { NODE_TS, runSync } from '../helpers/child';
import { when } from '../helpers/platform';

const selectors = path.join(__dirname, '..', '..', 'lib', 'selectors', 'index.ts');

interface Outcome {
  name: string;
  available: boolean;
  made?: string;
  code?: string;
  message?: string;
  warnings: string[];
}

function defaultWith(value: string | undefined): Outcome {
  const script = `
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.message));
    const s = require(${JSON.stringify(selectors)});
    const out = { name: s.DefaultSelector.name, available: s.DefaultSelector.available, warnings };
    try { const sel = new s.DefaultSelector(); out.made = sel.constructor.name; sel.close(); }
    catch (e) { out.code = e.code; out.message = e.message; }
    setImmediate(() => console.log(JSON.stringify(out)));`;
  const env = { ...process.env };
  delete env.IOMUX_SELECTOR;
  if (value !== undefined) env.IOMUX_SELECTOR = value;
  const child = runSync(process.execPath, [...NODE_TS, '-e', script], { env });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout);
}

const CLASSES = { select: SelectSelector, poll: PollSelector, epoll: EpollSelector, kqueue: KqueueSelector, uring: IoUringSelector };
// The order the error message lists them in.
const LISTED = ['kqueue', 'epoll', 'poll', 'select', 'uring'];
const availableNames = Object.entries(CLASSES).filter(([, cls]) => cls.available).map(([name]) => name);
const missing = Object.entries(CLASSES).filter(([, cls]) => !cls.available);

test.each(availableNames)('IOMUX_SELECTOR=%s, available here, is what DefaultSelector makes', (value) => {
  const cls = CLASSES[value as keyof typeof CLASSES];
  expect(defaultWith(value)).toEqual({ name: cls.name, available: true, made: cls.name, warnings: [] });
});

test("the value is read without case or surrounding blanks (' EPOLL ' is epoll)", () => {
  const value = availableNames[availableNames.length - 1];
  expect(defaultWith(` ${value.toUpperCase()} `).made).toBe(CLASSES[value as keyof typeof CLASSES].name);
});

test.each(['bogus', 'io_uring', 'epol', 'kqueue,epoll'])(
  'IOMUX_SELECTOR=%s (no such backend here) makes new DefaultSelector() throw ERR_NOT_SUPPORTED naming it and the available ones',
  (value) => {
    const out = defaultWith(value);
    expect(out).toMatchObject({ available: false, code: 'ERR_NOT_SUPPORTED', warnings: [] });
    expect(out.made).toBeUndefined();
    expect(out.message).toContain(`IOMUX_SELECTOR=${value}`);
    expect(out.message).toContain(`available: ${availableNames.sort((a, b) => LISTED.indexOf(a) - LISTED.indexOf(b)).join(', ')}`);
  },
);

when(missing.length > 0, 'every backend is built here').test(
  'a backend this build lacks fails by the same rule',
  () => {
    for (const [value, cls] of missing) {
      const out = defaultWith(value);
      expect(out).toMatchObject({ name: cls.name, available: false, code: 'ERR_NOT_SUPPORTED', warnings: [] });
      expect(out.message).toContain(`IOMUX_SELECTOR=${value}`);
      expect(out.message).toContain('available: ');
    }
  },
);

test('an empty IOMUX_SELECTOR is no choice: the best available backend', () => {
  const best = PREFERRED.find((c) => c.available)!;
  expect(defaultWith('').made).toBe(best.name);
  expect(defaultWith(undefined).made).toBe(best.name);
});
