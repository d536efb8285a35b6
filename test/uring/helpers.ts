// Shared by the io_uring tests: their fixtures run in a child node.
import path from 'node:path';
import { runSync, type ChildResult } from '../helpers/child';

/** Runs test/uring/fixtures/<name> in a child node (extra node flags first); its JSON lines are in `json`. */
export function runFixture(name: string, nodeArgs: string[] = [], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120000): ChildResult {
  return runSync(process.execPath, [...nodeArgs, path.join(__dirname, 'fixtures', name)], { env, timeoutMs });
}
