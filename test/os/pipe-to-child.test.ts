// The os.pipe TSDoc's example: a close-on-exec pipe end can still be given to a child on purpose,
// by naming its fd in spawn's stdio (Node dups it onto the child's 0, 1 or 2).
import * as os from '../../lib/os';
import { start } from '../helpers/child';

function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  for (let chunk = os.read(fd, 4096); chunk.length > 0; chunk = os.read(fd, 4096)) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

test("a pipe's write end as the child's stdout: the parent reads what it printed, then end of file", async () => {
  const [r, w] = os.pipe();
  const child = start(process.execPath, ['-e', 'process.stdout.write("from the child")'], { stdio: ['ignore', w, 'inherit'] });
  os.close(w); // the parent's copy: without this the reader would never see end of file
  expect((await child.exited).status).toBe(0);
  expect(readAll(r)).toBe('from the child');
  os.close(r);
});

test("a pipe's read end as the child's stdin", async () => {
  const [r, w] = os.pipe();
  const [back, out] = os.pipe();
  const child = start(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], { stdio: [r, out, 'inherit'] });
  os.close(r);
  os.close(out);
  os.write(w, Buffer.from('to the child'));
  os.close(w);
  expect((await child.exited).status).toBe(0);
  expect(readAll(back)).toBe('to the child');
  os.close(back);
});
