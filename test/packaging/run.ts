// Running the build and packaging tools from the packaging tests.
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository's root. */
export const ROOT = path.join(__dirname, '..', '..');

/** Runs a command to its end; its stdout, or an error holding both outputs if it failed. */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return String(r.stdout);
}

/** The npm running this test (npm test, npx), else the first on PATH. */
export function findNpm(): string {
  const execpath = process.env.npm_execpath;
  if (execpath && /npm-cli\.js$/.test(execpath)) return execpath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (dir && fs.existsSync(candidate)) return fs.realpathSync(candidate);
  }
  throw new Error('npm not found');
}

/** Whether a command can be run (`cmd --version` succeeds). */
export function hasCommand(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The files git tracks or would track (not ignored), as they are in the work tree. */
export function sourceFiles(): string[] {
  return run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

/**
 * A clean checkout of the sources in `dir`: every file of sourceFiles() and none of the ignored
 * build outputs (build/, dist/, prebuilds/), with the work tree's node_modules linked in.
 */
export function cleanCopy(dir: string): void {
  for (const f of sourceFiles()) {
    const to = path.join(dir, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), to);
    fs.chmodSync(to, fs.statSync(path.join(ROOT, f)).mode);
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
}
