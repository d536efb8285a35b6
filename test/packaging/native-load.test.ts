// The addon this checkout built (or IOMUX_ADDON names) loads through lib/native.ts, the one loader.
import fs from 'node:fs';
import path from 'node:path';
import { C, native } from '../../lib/native';
import { NODE_TS, ROOT, runSync } from '../helpers/child';
import { when } from '../helpers/platform';

test('the addon loads and exposes its constants', () => {
  expect(typeof native).toBe('object');
  expect(typeof C).toBe('object');
});

const addon = path.resolve(process.env.IOMUX_ADDON ?? path.join(ROOT, 'build', 'Release', 'iomux.node'));
when(fs.existsSync(addon), `no addon at ${addon} (a prebuild is loaded)`)
  .test('a relative IOMUX_ADDON is made absolute: a child started in another directory loads the same file', () => {
    // The parent runs in the addon's directory with a bare file name; its child runs in /.
    const load = `require(${JSON.stringify(path.join(ROOT, 'lib', 'native.ts'))});`;
    const grandchild = `${load} console.log(process.env.IOMUX_ADDON);`;
    const child = `${load} const r = require('node:child_process').spawnSync(process.execPath, [...${JSON.stringify(NODE_TS)}, '-e', ${JSON.stringify(grandchild)}], { cwd: '/', encoding: 'utf8' });
      process.stdout.write(r.stdout + r.stderr);`;
    const r = runSync(process.execPath, [...NODE_TS, '-e', child], {
      cwd: path.dirname(addon),
      env: { ...process.env, IOMUX_ADDON: path.basename(addon) },
      timeoutMs: 60_000,
    });
    expect({ status: r.status, out: r.stdout.trim() }).toEqual({ status: 0, out: addon });
  }, 60_000);
