#!/usr/bin/env node
// `npx iomux`: the benchmark and the examples of an installed package (docs/API.md, "Command line:
// npx iomux"). `bench` is the runner of `npm run bench` (bench/lib/runner.js); `example NAME` runs
// one of dist/examples/ (examples/*.ts, compiled) in this process, so that its signals and exit
// status are its own.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'dist', 'examples');
const HELPERS = new Set(['args']); // modules the examples share, not examples

const USAGE = `usage: npx iomux <command>
  bench [options]          the benchmark on this machine (npx iomux bench --help)
  example                  list the examples
  example NAME [args…]     run one (the servers take [port] [--max-clients N])
  version                  this package's version`;

/** Every example: its name and the first sentence of its opening comment. */
function examples() {
  if (!fs.existsSync(examplesDir)) return [];
  return fs.readdirSync(examplesDir)
    .filter((f) => f.endsWith('.js') && !HELPERS.has(f.slice(0, -3)))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(examplesDir, f), 'utf8');
      const comment = [];
      for (const line of text.split('\n')) {
        if (line.startsWith('//')) comment.push(line.replace(/^\/\/\s?/, ''));
        else if (comment.length) break;
      }
      const first = comment.join(' ').split(/(?<=\.)\s/)[0] ?? '';
      return { name: f.slice(0, -3), about: first };
    });
}

function listExamples() {
  const all = examples();
  if (all.length === 0) {
    process.stderr.write(`iomux: no examples in ${examplesDir}\n`);
    return 1;
  }
  const w = Math.max(...all.map((e) => e.name.length));
  process.stdout.write(`Examples (npx iomux example NAME [args…]):\n`);
  for (const e of all) process.stdout.write(`  ${e.name.padEnd(w)}  ${e.about}\n`);
  return 0;
}

function runExample(name, args) {
  const all = examples().map((e) => e.name);
  if (!all.includes(name)) {
    process.stderr.write(`iomux: no example ${JSON.stringify(name)}; there are: ${all.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const file = path.join(examplesDir, `${name}.js`);
  process.argv = [process.argv[0], file, ...args];
  require(file);
  return undefined; // the example decides when the process ends
}

async function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'bench':
      return require('../bench/lib/runner').runBench(rest);
    case 'example':
    case 'examples':
      return rest.length ? runExample(rest[0], rest.slice(1)) : listExamples();
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`${require('../package.json').version}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      process.stderr.write(`iomux: unknown command ${JSON.stringify(cmd)}\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    if (status !== undefined) process.exitCode = status;
  },
  (err) => {
    process.stderr.write(`iomux: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
