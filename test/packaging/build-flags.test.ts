// binding.gyp (node-gyp, prebuildify) and CMakeLists.txt (cmake-js) build the same addon. This reads
// what each build really hands the compiler — the Makefile gyp generates (build/iomux.target.mk)
// and cmake's compile_commands.json — for a configure of each into a temporary folder: the text
// of a build file can say a flag that never reaches the compiler (gyp applies a "!" list last).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { whenCommand } from '../helpers/platform';
import { ROOT, run } from './run';

const DEFINES = ['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'];
const SOURCES = fs.readdirSync(path.join(ROOT, 'native')).filter((f) => f.endsWith('.cc')).sort();

/** One build's compiler input: the sources, and the flags and defines of each. */
interface Compile {
  sources: string[];
  flags: string[];
}

/** The variables of a gyp-generated Makefile fragment (`NAME := \` then one value a line). */
function makeVariables(text: string): Map<string, string[]> {
  const vars = new Map<string, string[]>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\w+) :=(.*)$/.exec(lines[i]);
    if (!m) continue;
    const values: string[] = [];
    let line = m[2];
    for (;;) {
      const more = line.endsWith('\\');
      const value = line.replace(/\\$/, '').trim().replace(/^'(.*)'$/, '$1');
      if (value) values.push(value);
      if (!more) break;
      line = lines[++i];
    }
    vars.set(m[1], values);
  }
  return vars;
}

/** node-gyp configure of binding.gyp and native/ in a folder of their own. */
function gypRelease(dir: string): Compile {
  fs.copyFileSync(path.join(ROOT, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  fs.cpSync(path.join(ROOT, 'native'), path.join(dir, 'native'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  // The headers of the Node running this (npm's nodedir when npm set one), never a download.
  const nodedir = process.env.npm_config_nodedir || path.resolve(process.execPath, '..', '..');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'configure',
    `--nodedir=${nodedir}`, '--loglevel=error'], { cwd: dir });
  const vars = makeVariables(fs.readFileSync(path.join(dir, 'build', 'iomux.target.mk'), 'utf8'));
  const objects = vars.get('OBJS') ?? [];
  return {
    sources: objects.map((o) => path.basename(o).replace(/\.o$/, '.cc')).sort(),
    flags: [...(vars.get('DEFS_Release') ?? []), ...(vars.get('CFLAGS_Release') ?? []), ...(vars.get('CFLAGS_CC_Release') ?? [])],
  };
}

/** cmake-js configure into a folder of its own, read back from compile_commands.json. */
function cmakeRelease(dir: string): Compile[] {
  run(process.execPath, [path.join(ROOT, 'node_modules', 'cmake-js', 'bin', 'cmake-js'), 'configure',
    '--out', dir, `--CDIOMUX_NODE=${process.execPath}`], { cwd: ROOT });
  const commands = JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as
    { file: string; command: string }[];
  return commands.map((c) => ({ sources: [path.basename(c.file)], flags: c.command.split(/\s+/) }));
}

let tmp = '';
let gyp: Compile;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iomux-flags-'));
  fs.mkdirSync(path.join(tmp, 'gyp'));
  gyp = gypRelease(path.join(tmp, 'gyp'));
}, 60_000);
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('node-gyp (binding.gyp), as configured', () => {
  test('compiles every native/*.cc, and nothing else', () => {
    expect(gyp.sources).toEqual(SOURCES);
  });

  test('compiles C++17 without exceptions', () => {
    expect(gyp.flags).toContain('-fno-exceptions');
    expect(gyp.flags).toContain('-std=c++17');
    expect(gyp.flags).not.toContain('-std=gnu++17');
    expect(gyp.flags).not.toContain('-fexceptions');
  });

  test.each(DEFINES)('defines %s', (define) => {
    expect(gyp.flags).toContain(`-D${define}`);
  });
});

whenCommand('cmake').describe(
  'cmake-js (CMakeLists.txt), as configured',
  () => {
    let cmake: Compile[];
    beforeAll(() => {
      cmake = cmakeRelease(path.join(tmp, 'cmake'));
    }, 60_000);

    test('compiles every native/*.cc, and nothing else', () => {
      expect(cmake.flatMap((c) => c.sources).sort()).toEqual(SOURCES);
    });

    test('compiles each file C++17 without exceptions', () => {
      for (const c of cmake) {
        expect({ file: c.sources[0], flags: c.flags }).toEqual({
          file: c.sources[0],
          flags: expect.arrayContaining(['-fno-exceptions', '-std=c++17']),
        });
        expect(c.flags).not.toContain('-fexceptions');
      }
    });

    test.each(DEFINES)('defines %s for each file', (define) => {
      for (const c of cmake) expect({ file: c.sources[0], define: c.flags.includes(`-D${define}`) }).toEqual({ file: c.sources[0], define: true });
    });

    test('builds kqueue exactly when node-gyp does (IOMUX_HAVE_KQUEUE: a system libkqueue, or a BSD)', () => {
      const kq = cmake.map((c) => c.flags.includes('-DIOMUX_HAVE_KQUEUE=1'));
      expect(new Set(kq).size).toBe(1);
      expect(kq[0]).toBe(gyp.flags.includes('-DIOMUX_HAVE_KQUEUE=1'));
    });
  },
);
