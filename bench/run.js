// `npm run bench`: the reference run of the repository (the default matrix; `-- --full` for the
// whole one, `-- --quick` for a small one, `-- --help` for every option). The same runner serves
// `npx iomux bench` in an installed package (bin/iomux.js): bench/lib/runner.js.
'use strict';
const { runBench } = require('./lib/runner');

runBench(process.argv.slice(2)).then(
  (status) => (process.exitCode = status),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
