// `npm run fuzz -- --runs N [--seed S]`: the differential fuzz (test/fuzz) for N cases per backend
// instead of npm test's few seconds' worth.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, seed: { type: 'string' } } });
const env = { ...process.env, IOMUX_FUZZ_RUNS: values.runs };
if (values.seed !== undefined) env.IOMUX_FUZZ_SEED = values.seed;
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, '--testTimeout', String(24 * 3600 * 1000), path.join('test', 'fuzz')], {
  cwd: path.join(__dirname, '..', '..'),
  env,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
