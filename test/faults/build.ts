// Builds the fault-injection preload library (preload.c) with the system's cc into
// build/faults/, never into the source tree; rebuilt only when preload.c is newer. Jest runs test
// files in parallel workers, so the library is written under a temporary name and renamed.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, runSync, succeeded } from '../helpers/child';
const SOURCE = path.join(__dirname, 'preload.c');
const OUT_DIR = path.join(ROOT, 'build', 'faults');
export const PRELOAD = path.join(OUT_DIR, 'libiomux-faults.so');

function mtime(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

/** The path of the preload library, built first when missing or older than its source. */
export function buildPreload(): string {
  if (mtime(PRELOAD) >= mtime(SOURCE)) return PRELOAD;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${PRELOAD}.${process.pid}.tmp`;
  succeeded(runSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', tmp, SOURCE, '-ldl', '-lpthread']), 'cc preload.c');
  fs.renameSync(tmp, PRELOAD);
  return PRELOAD;
}
