// The rows of a bench `--json` file, as the packaging tests read them.

/** A bench result row of `--json`. */
export interface BenchRow {
  workload: string;
  contender: string;
  params: Record<string, number>;
  median?: number;
  na?: string;
  extras?: Record<string, number>;
  samples?: Array<Record<string, unknown>>;
}

/** The row of `contender` in `workload` with those params (fails the test when there is none). */
export function row(rows: BenchRow[], workload: string, contender: string, params: Record<string, number>): BenchRow {
  const found = rows.find((r) => r.workload === workload && r.contender === contender && JSON.stringify(r.params) === JSON.stringify(params));
  if (!found) throw new Error(`no row ${workload} ${contender} ${JSON.stringify(params)}`);
  return found;
}
