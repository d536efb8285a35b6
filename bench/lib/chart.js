// The chart of a bench run as one hand-written SVG (no charting library: the installed package
// ships this file): a panel per chain shape and transport, ns per hop against registered fds on
// log axes, a line per contender with its min–max as whiskers; then a panel per server workload,
// a bar per contender (per server CPU-second). A backend keeps its colour everywhere; the family
// draws the line: iomux solid (async thinner, hollow points), C dashed, CPython dotted, Node grey.
'use strict';

const COLOURS = { epoll: '#1f77b4', poll: '#e6740a', select: '#2ca02c', uring: '#d62728', kqueue: '#9467bd' };
const OTHER = '#6b6b6b';
const PANEL = { w: 430, h: 270, left: 62, right: 14, top: 34, bottom: 44 };
const COLUMNS = 2;

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v) => (Math.round(v * 10) / 10).toString();

function style(r) {
  const colour = COLOURS[r.backend] ?? OTHER;
  const family = r.contender.split('-')[0];
  const async = r.contender.endsWith('-async');
  return {
    colour,
    dash: { c: '7 4', python: '2 3', node: '9 3 2 3' }[family] ?? '',
    width: async ? 1.6 : 2.4,
    hollow: async || family === 'python',
  };
}

function fmtNs(v) {
  if (v >= 1e6) return `${num(v / 1e6)} ms`;
  if (v >= 1e3) return `${num(v / 1e3)} µs`;
  return `${num(v)} ns`;
}

function fmtCount(v) {
  if (v >= 1e6) return `${num(v / 1e6)}M`;
  if (v >= 1e3) return `${num(v / 1e3)}k`;
  return num(v);
}

/** Tick values of a log axis over [lo, hi]: 1-2-5 steps, thinned to at most ~6. */
function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
  }
  return out.length > 6 ? out.filter((v) => /^1/.test(String(v))) : out;
}

function logScale(lo, hi, a, b) {
  const l0 = Math.log10(lo);
  const span = Math.log10(hi) - l0 || 1;
  return (v) => a + ((Math.log10(v) - l0) / span) * (b - a);
}

function chainPanel(title, rows, x0, y0) {
  const P = PANEL;
  const fds = [...new Set(rows.map((r) => r.params.n))].sort((a, b) => a - b);
  const lo = Math.min(...rows.map((r) => r.min)) / 1.25;
  const hi = Math.max(...rows.map((r) => r.max)) * 1.25;
  const xr = [x0 + P.left, x0 + P.w - P.right];
  const yr = [y0 + P.h - P.bottom, y0 + P.top];
  const X = fds.length > 1 ? logScale(fds[0] / 1.3, fds[fds.length - 1] * 1.3, ...xr) : () => (xr[0] + xr[1]) / 2;
  const Y = logScale(lo, hi, ...yr);
  const out = [`<text x="${x0 + P.left}" y="${y0 + 20}" class="panel">${esc(title)}</text>`];
  out.push(`<rect x="${xr[0]}" y="${yr[1]}" width="${xr[1] - xr[0]}" height="${yr[0] - yr[1]}" class="frame"/>`);
  for (const v of logTicks(lo, hi)) {
    out.push(`<line x1="${xr[0]}" x2="${xr[1]}" y1="${num(Y(v))}" y2="${num(Y(v))}" class="grid"/>`);
    out.push(`<text x="${xr[0] - 5}" y="${num(Y(v) + 4)}" class="tick" text-anchor="end">${fmtNs(v)}</text>`);
  }
  for (const n of fds) {
    out.push(`<line x1="${num(X(n))}" x2="${num(X(n))}" y1="${yr[0]}" y2="${yr[1]}" class="grid"/>`);
    out.push(`<text x="${num(X(n))}" y="${yr[0] + 15}" class="tick" text-anchor="middle">${fmtCount(n)}</text>`);
  }
  out.push(`<text x="${(xr[0] + xr[1]) / 2}" y="${y0 + P.h - 8}" class="axis" text-anchor="middle">registered fds (N pairs), log</text>`);
  out.push(`<text transform="translate(${x0 + 13},${(yr[0] + yr[1]) / 2}) rotate(-90)" class="axis" text-anchor="middle">ns per hop (median), log</text>`);
  const byContender = new Map();
  for (const r of rows) byContender.set(r.contender, [...(byContender.get(r.contender) ?? []), r]);
  for (const series of byContender.values()) {
    series.sort((a, b) => a.params.n - b.params.n);
    const s = style(series[0]);
    const pts = series.map((r) => `${num(X(r.params.n))},${num(Y(r.median))}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const r of series) {
      const x = num(X(r.params.n));
      out.push(`<line x1="${x}" x2="${x}" y1="${num(Y(r.min))}" y2="${num(Y(r.max))}" stroke="${s.colour}" stroke-width="1"/>`);
      out.push(`<circle cx="${x}" cy="${num(Y(r.median))}" r="3" fill="${s.hollow ? '#fff' : s.colour}" stroke="${s.colour}" stroke-width="1.5"><title>${esc(`${r.contender} N=${r.params.n}: ${fmtNs(r.median)} (${fmtNs(r.min)}–${fmtNs(r.max)})`)}</title></circle>`);
    }
  }
  return out;
}

function barPanel(title, unit, rows, x0, y0) {
  const P = PANEL;
  const sorted = [...rows].sort((a, b) => b.median - a.median);
  const hi = Math.max(...sorted.map((r) => r.max)) * 1.15;
  const xr = [x0 + P.left + 70, x0 + P.w - P.right - 30];
  const top = y0 + P.top;
  const band = Math.min(22, (P.h - P.top - P.bottom) / sorted.length);
  const X = (v) => xr[0] + (v / hi) * (xr[1] - xr[0]);
  const out = [`<text x="${x0 + 10}" y="${y0 + 20}" class="panel">${esc(title)}</text>`];
  sorted.forEach((r, i) => {
    const s = style(r);
    const y = top + i * band;
    out.push(`<text x="${xr[0] - 5}" y="${num(y + band * 0.65)}" class="tick" text-anchor="end">${esc(r.contender)}</text>`);
    out.push(`<rect x="${xr[0]}" y="${num(y + 2)}" width="${num(X(r.median) - xr[0])}" height="${num(band - 4)}" fill="${s.colour}" fill-opacity="${s.hollow ? 0.35 : 0.8}" stroke="${s.colour}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<line x1="${num(X(r.min))}" x2="${num(X(r.max))}" y1="${num(y + band / 2)}" y2="${num(y + band / 2)}" stroke="#222" stroke-width="1"/>`);
    out.push(`<text x="${num(X(r.max) + 4)}" y="${num(y + band * 0.65)}" class="tick">${fmtCount(r.median)}</text>`);
  });
  out.push(`<text x="${(xr[0] + xr[1]) / 2}" y="${num(top + sorted.length * band + 16)}" class="axis" text-anchor="middle">${esc(unit)} (median, min–max)</text>`);
  return out;
}

function legend(rows, x0, y0, width) {
  const seen = new Map();
  for (const r of rows) if (!seen.has(r.contender)) seen.set(r.contender, r);
  const out = [`<text x="${x0}" y="${y0}" class="axis">colour: the backend; line: iomux solid (thin and hollow: async), C dashed, CPython dotted, Node grey; whiskers: min–max</text>`];
  y0 += 20;
  const col = 190;
  const perRow = Math.max(1, Math.floor(width / col));
  [...seen.values()].forEach((r, i) => {
    const s = style(r);
    const x = x0 + (i % perRow) * col;
    const y = y0 + Math.floor(i / perRow) * 18;
    out.push(`<line x1="${x}" x2="${x + 30}" y1="${y}" y2="${y}" stroke="${s.colour}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<circle cx="${x + 15}" cy="${y}" r="3" fill="${s.hollow ? '#fff' : s.colour}" stroke="${s.colour}" stroke-width="1.5"/>`);
    out.push(`<text x="${x + 36}" y="${y + 4}" class="tick">${esc(r.contender)}</text>`);
  });
  return { out, height: 20 + Math.ceil(seen.size / perRow) * 18 };
}

/** The SVG of a run's results (bench/lib/report.js rows); `meta` gives the title line. */
function chart(results, meta = {}) {
  const ran = results.filter((r) => r.median !== undefined);
  const panels = [];
  const chains = new Map();
  for (const r of ran.filter((r) => r.workload === 'chain' || r.workload === 'tcpchain')) {
    const k = `${r.workload === 'chain' ? 'socketpair chain' : 'loopback TCP chain'}, A=${r.params.active} W=${r.params.writes}`;
    chains.set(k, [...(chains.get(k) ?? []), r]);
  }
  for (const [title, rows] of chains) panels.push((x, y) => chainPanel(title, rows, x, y));
  const servers = new Map();
  for (const r of ran.filter((r) => r.workload === 'echo' || r.workload === 'http')) {
    const k = `${r.workload} ${r.params.conns} connections`;
    servers.set(k, [...(servers.get(k) ?? []), r]);
  }
  for (const [title, rows] of servers) {
    const unit = rows[0].workload === 'echo' ? 'round trips per server CPU-second' : 'requests per server CPU-second';
    panels.push((x, y) => barPanel(title, unit, rows, x, y));
  }
  const width = COLUMNS * PANEL.w + 20;
  const body = [];
  const top = 46;
  panels.forEach((draw, i) => body.push(...draw(10 + (i % COLUMNS) * PANEL.w, top + Math.floor(i / COLUMNS) * PANEL.h)));
  const legendY = top + Math.ceil(panels.length / COLUMNS) * PANEL.h + 16;
  const leg = legend(ran, 20, legendY, width - 40);
  const height = legendY + leg.height + 24;
  const sub = [meta.kernel, meta.cores && `${meta.cores}× ${meta.cpu}`, meta.node && `node ${meta.node}`, meta.date?.slice(0, 10)].filter(Boolean).join(' · ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">
<style>
.title{font-size:15px;font-weight:bold;fill:#111}.sub{font-size:11px;fill:#555}.panel{font-size:13px;font-weight:bold;fill:#222}
.tick{font-size:10.5px;fill:#333}.axis{font-size:11px;fill:#444}.frame{fill:none;stroke:#999}.grid{stroke:#e3e3e3}
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="22" class="title">iomux bench: ns per hop against registered fds; server rates per server CPU-second</text>
<text x="20" y="38" class="sub">${esc(sub)}; medians of ${meta.timing?.runs ?? '?'} runs</text>
${body.join('\n')}
${leg.out.join('\n')}
${panels.length ? '' : `<text x="20" y="${top + 20}" class="axis">no figures in this run</text>`}
</svg>
`;
}

module.exports = { chart };
