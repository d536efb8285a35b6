// Runs node children under the fault-injection preload (build.ts) and python3 clients beside
// them (never preloaded). Every child gets its own fault log, read back to show that faults were
// really injected; every failure message carries the rate and seed that reproduce it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE_TS, run, start, succeeded, type Child } from '../helpers/child';
import { when } from '../helpers/platform';
import { buildPreload } from './build';

export { killAll } from '../helpers/child';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** What the preload library is told: see preload.c. */
export interface Faults {
  rate: number;
  seed: number;
  /** IOMUX_FAULT_CALLS; omitted: every call's transient faults. */
  calls?: string;
}

/**
 * The preload's report at the child's exit: how often each call was eligible for a fault, each
 * fault injected, and each wait fault overtaken by events that arrived first.
 */
export interface FaultLog {
  seed: number;
  calls: Record<string, number>;
  injected: Record<string, number>;
  overtaken: Record<string, number>;
}

/** How to reproduce a run, for failure messages. */
export function describeFaults(f: Faults): string {
  return `IOMUX_FAULT_RATE=${f.rate} IOMUX_FAULT_SEED=${f.seed}${f.calls ? ` IOMUX_FAULT_CALLS=${f.calls}` : ''}`;
}

// A library preloaded already (the sanitizer run's ASan runtime) intercepts these libc calls
// before ours, so our faults would never reach the addon: the fault tests skip there.
const OTHER_PRELOAD = Boolean(process.env.LD_PRELOAD);
/** Where faults can be injected: fault tests skip, saying why, under another LD_PRELOAD. */
export const whenFaults = when(!OTHER_PRELOAD, 'another LD_PRELOAD, the sanitizer runtime, intercepts these calls first');

let logs = 0;

/** The environment of a child under faults, and the file its fault log goes to. */
export function faultEnv(f: Faults): { env: NodeJS.ProcessEnv; logFile: string } {
  const logFile = path.join(os.tmpdir(), `iomux-faults-${process.pid}-${++logs}.jsonl`);
  fs.rmSync(logFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LD_PRELOAD: buildPreload(),
    IOMUX_FAULT_RATE: String(f.rate),
    IOMUX_FAULT_SEED: String(f.seed),
    IOMUX_FAULT_LOG: logFile,
  };
  if (f.calls) env.IOMUX_FAULT_CALLS = f.calls;
  else delete env.IOMUX_FAULT_CALLS;
  return { env, logFile };
}

/** The fault log a child wrote at exit (null if it wrote none). */
export function readFaultLog(logFile: string): FaultLog | null {
  if (!fs.existsSync(logFile)) return null;
  const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
  fs.rmSync(logFile, { force: true });
  return JSON.parse(lines[lines.length - 1]) as FaultLog;
}

/** The sum of the injected counts whose "call:FAULT" name matches. */
export function injected(log: FaultLog | null, re: RegExp): number {
  return sumMatching(log?.injected, re);
}

/** How many calls whose name matches were eligible for a fault (made from the addon, a fault fitting). */
export function eligibleCalls(log: FaultLog | null, re: RegExp): number {
  return sumMatching(log?.calls, re);
}

/** How many wait faults on calls whose name matches were overtaken by events. */
export function overtaken(log: FaultLog | null, re: RegExp): number {
  return sumMatching(log?.overtaken, re);
}

function sumMatching(counts: Record<string, number> | undefined, re: RegExp): number {
  return Object.entries(counts ?? {})
    .filter(([name]) => re.test(name))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** A TypeScript or JavaScript file of this repository run by node (TypeScript transpiled on load). */
export function startNode(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  return start(process.execPath, [...NODE_TS, file, ...args], { env });
}

/** The python3 echo clients (fixtures/echo_clients.py): `n` connections of `size` bytes each. */
export async function pythonClients(port: number, n: number, size: number, seed: number): Promise<{ ok: number; bad: unknown[] }> {
  const r = await run('python3', [path.join(FIXTURES, 'echo_clients.py'), String(port), String(n), String(size), String(seed)]);
  succeeded(r, 'python clients');
  return r.json.at(-1) as { ok: number; bad: unknown[] };
}

/** A child's CPU time so far (utime + stime from /proc/PID/stat), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields count from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}

// sysconf(_SC_CLK_TCK) is 100 on every Linux that Node supports.
const CLOCK_TICKS = 100;
