import type { ProbeRecord, ProbeReport } from './probe-types.ts';

const MARKS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' } as const;

/**
 * The report as a plain-text table, one line per property, each failure followed by what gemloop
 * works around and what it cannot. No colours: the output is read in CI logs as often as in a
 * terminal.
 */
export function formatProbeReport(report: ProbeReport): string {
  const width = Math.max(...report.records.map((record) => record.title.length));
  const lines = [
    `gemloop probe: ${report.baseUrl} (model ${report.model}, auth ${report.auth})`,
    '',
  ];
  for (const record of report.records) {
    lines.push(`${MARKS[record.status]}  ${record.title.padEnd(width)}  ${record.detail}`);
    if (record.workaround !== undefined) lines.push(`      -> ${record.workaround}`);
  }
  const failed = report.records.filter((record) => record.status === 'fail').length;
  const skipped = report.records.filter((record) => record.status === 'skip').length;
  const warned = report.records.filter((record) => record.status === 'warn').length;
  const counts = warned === 0 ? `${skipped} skipped` : `${warned} warned, ${skipped} skipped`;
  lines.push(
    '',
    failed === 0
      ? `All checked properties pass (${counts}).`
      : `${failed} propert${failed === 1 ? 'y fails' : 'ies fail'} (${counts}).`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * One line of progress, as a check finishes: its mark and title, and for a line that does not
 * pass what was seen, cut to 160 characters (the report that follows has it whole, with advice).
 * @internal
 */
export function formatProbeLine(record: ProbeRecord): string {
  const line = `${MARKS[record.status]}  ${record.title}`;
  if (record.status === 'pass') return line;
  const detail = record.detail.length > 160 ? `${record.detail.slice(0, 160)}...` : record.detail;
  return `${line}: ${detail}`;
}
