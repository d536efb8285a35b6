// The main thread of a worker-teardown fixture: rounds of workers running the fixture's own file,
// ended by terminate(), a normal return, a throw, then six terminated at once (twice). Each round
// reports the workers' exit codes, the first error seen, and the fds left open that were not open
// before it; the fixture prints one JSON line per round, then {"done":true}.
import { Worker } from 'node:worker_threads';
import { openFds } from './fds';

/** One round: its mode and worker count, each worker's first message, what its ending left. */
export interface Round {
  mode: string;
  count: number;
  ready: Array<{ pending: number }>;
  codes: number[];
  errorSeen: string | null;
  leaked: number[];
}

async function round(filename: string, mode: string, count: number): Promise<Round> {
  const before = openFds();
  const workers = Array.from({ length: count }, (_, id) => new Worker(filename, { workerData: { mode, id } }));
  const exits = workers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
  const errors = workers.map(
    (w) =>
      new Promise<string | null>((resolve) => {
        w.once('error', (e: Error) => resolve(e.message));
        w.once('exit', () => resolve(null));
      }),
  );
  const ready = await Promise.all(workers.map((w) => new Promise<{ pending: number }>((resolve) => w.once('message', resolve))));
  if (mode === 'terminate') for (const w of workers) void w.terminate();
  const codes = await Promise.all(exits);
  const errorSeen = (await Promise.all(errors)).find(Boolean) ?? null;
  const leaked = openFds().filter((fd) => !before.includes(fd));
  return { mode, count, ready, codes: [...new Set(codes)], errorSeen, leaked };
}

/** Runs the rounds with workers on `filename`, printing `line(round)` as JSON for each. */
export function runRounds(filename: string, line: (r: Round) => object): void {
  (async () => {
    await round(filename, 'noop', 2); // Node opens fds of its own for the first workers: let that happen first
    for (const [mode, count] of [['terminate', 1], ['return', 1], ['throw', 1], ['terminate', 6], ['terminate', 6]] as const) {
      console.log(JSON.stringify(line(await round(filename, mode, count))));
    }
    console.log(JSON.stringify({ done: true }));
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * The lines runRounds prints when every round ends as it should (for the test that runs the
 * fixture): terminate exits 1, return 0, throw 1 with its message, no fd left open; `extra` is
 * what the fixture's `line` adds to each round.
 */
export function expectedRounds(extra: object = {}): object[] {
  const round = (mode: string, count: number, code: number, errorSeen: string | null) => ({ mode, count, ...extra, codes: [code], errorSeen, leaked: [] });
  return [
    round('terminate', 1, 1, null),
    round('return', 1, 0, null),
    round('throw', 1, 1, 'worker fails on purpose'),
    round('terminate', 6, 1, null),
    round('terminate', 6, 1, null),
    { done: true },
  ];
}
