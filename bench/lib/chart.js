// The chart of bench/results: cost per hop against the number of registered fds, one line per
// contender, a panel per chain shape and transport; vega-lite compiled to vega, rendered to SVG
// in node (no canvas needed for SVG).
'use strict';

async function chainChart(rows) {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const values = rows
    .filter((r) => (r.workload === 'chain' || r.workload === 'tcpchain') && r.median !== undefined)
    .map((r) => ({
      panel: `${r.workload === 'chain' ? 'socketpair chain' : 'loopback TCP chain'}, A=${r.params.active} W=${r.params.writes}`,
      fds: r.params.n,
      contender: r.contender,
      ns: Math.round(r.median),
      min: Math.round(r.min),
      max: Math.round(r.max),
    }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'iomux bench: ns per hop (one readiness event: read, forward) vs registered fds — median, min–max',
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: 'descending' },
    columns: 2,
    spec: {
      width: 260,
      height: 220,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'fds', type: 'quantitative', scale: { type: 'log' }, title: 'registered fds (N pairs)' },
            y: { field: 'ns', type: 'quantitative', scale: { type: 'log' }, title: 'ns per hop (median)' },
            color: { field: 'contender', type: 'nominal', scale: { scheme: 'tableau20' } },
          },
        },
        {
          mark: { type: 'rule' },
          encoding: {
            x: { field: 'fds', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'min', type: 'quantitative', scale: { type: 'log' } },
            y2: { field: 'max' },
            color: { field: 'contender', type: 'nominal' },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

module.exports = { chainChart };
