// The one way tests run another process: runSync and run wait for the exit; start returns at
// once, for a child the test talks to while it runs. Output comes back whole, as lines, and as the
// JSON objects of the lines that hold one (fixtures report that way).
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** The repository root, the default working directory of a child. */
export const ROOT = path.resolve(__dirname, '../..');

/** Node flags that let a child (and each of its worker threads) require the TypeScript sources. */
export const NODE_TS = ['-r', path.join(ROOT, 'scripts/register-ts.js')];

export interface RunOptions {
  /** Working directory; the repository root by default. */
  cwd?: string;
  /** The child's whole environment (spawn's meaning); this process's by default. */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed; without it stdin is /dev/null. */
  input?: string;
  /** SIGKILL after this long; no limit by default. */
  timeoutMs?: number;
  /** spawn's stdio for a child that needs other than [stdin as above, pipe, pipe] (an fd as stdout, inherited stderr). */
  stdio?: StdioOptions;
}

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
  /** Every stdout line. */
  lines: string[];
  /** The stdout lines that start with `{`, parsed (when read: other output need not be JSON). */
  readonly json: Array<Record<string, unknown>>;
}

/** A running child (from start). */
export interface Child {
  process: ChildProcess;
  /** Every complete stdout line so far (it keeps growing). */
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line (seen or to come) that matches; rejects if the child exits first. */
  waitLine(re: RegExp): Promise<string>;
  /** Resolves with stdout line `index` (from 0; seen or to come), for a child that answers a line per request; rejects if the child exits first. */
  lineAt(index: number): Promise<string>;
  /** Settles when the child has exited and its output is closed; rejects only if it could not be started. */
  exited: Promise<ChildResult>;
}

function result(status: number | null, signal: NodeJS.Signals | null, stdoutBytes: Buffer, stderr: string): ChildResult {
  const stdout = stdoutBytes.toString('utf8');
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return {
    status, signal, stdout, stdoutBytes, stderr, lines,
    get json() {
      return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

function stdioOf(opts: RunOptions): StdioOptions {
  return opts.stdio ?? [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
}

/** Runs a command to its end, blocking this thread (and its event loop) meanwhile. */
export function runSync(cmd: string, args: string[], opts: RunOptions = {}): ChildResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT, env: opts.env, input: opts.input, timeout: opts.timeoutMs, killSignal: 'SIGKILL', stdio: stdioOf(opts), maxBuffer: 64 << 20,
  });
  if (r.error && r.status === null && r.signal === null) throw r.error;
  return result(r.status, r.signal, r.stdout ?? Buffer.alloc(0), r.stderr?.toString('utf8') ?? '');
}

const running = new Set<ChildProcess>();

/** Starts a command and returns at once; killAll (in afterEach) ends whatever is still running. */
export function start(cmd: string, args: string[], opts: RunOptions = {}): Child {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env, stdio: stdioOf(opts) });
  running.add(child);
  const out: Buffer[] = [];
  const lines: string[] = [];
  const waiters: Array<{ matches: (line: string, index: number) => boolean; resolve: (line: string) => void }> = [];
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out.push(chunk);
    const parts = (partial + decoder.write(chunk)).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      const index = lines.push(line) - 1;
      for (const w of waiters.filter((w) => w.matches(line, index))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  const exited = new Promise<ChildResult>((resolve, reject) => {
    child.once('error', (err) => {
      running.delete(child);
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status: number | null, signal: NodeJS.Signals | null) => {
      running.delete(child);
      clearTimeout(timer);
      resolve(result(status, signal, Buffer.concat(out), stderr));
    });
  });
  const waitFor = (matches: (line: string, index: number) => boolean, what: string): Promise<string> => {
    const seen = lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ matches, resolve });
      const gone = (why: string): void => reject(new Error(`${cmd} ${args.join(' ')} ${why} before printing ${what}:\n${lines.join('\n')}\n${stderr}`));
      exited.then((r) => gone(`exited (${r.status ?? r.signal})`), (err: Error) => gone(`failed to start (${err.message})`));
    });
  };
  const waitLine = (re: RegExp): Promise<string> => waitFor((line) => re.test(line), String(re));
  const lineAt = (index: number): Promise<string> => waitFor((_, i) => i === index, `line ${index}`);
  return { process: child, lines, stderr: () => stderr, waitLine, lineAt, exited };
}

/** The port of a server child, from the first stdout line `listening on <port>` (examples and fixtures print it). */
export async function listeningPort(child: Child): Promise<number> {
  return Number(/listening on (\d+)/.exec(await child.waitLine(/listening on \d+/))![1]);
}

/** Runs a command to its end without blocking this process's event loop. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<ChildResult> {
  return start(cmd, args, opts).exited;
}

/** Kills every child from start or run still running, and waits for each to go (call in afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** The stdout of a child that exited 0; otherwise throws with its command and output. */
export function succeeded(r: ChildResult, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
