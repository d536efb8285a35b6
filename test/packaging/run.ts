// Running the build and packaging tools from the packaging tests.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, runSync, succeeded, type RunOptions } from '../helpers/child';

export { ROOT };

/** Runs a command that must succeed, to its end; its stdout. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): string {
  return succeeded(runSync(cmd, args, opts), `${cmd} ${args.join(' ')}`);
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
