// A gateway that answers in the proto field names (`usage_metadata`, `function_call`): gemloop
// reads it, so the probe warns (WARN, the report stays ok) and judges every other line on the
// answer renamed, as the loop reads it, instead of failing calls and usage that are there.

import { afterEach, describe, expect, it } from 'vitest';
import { startProbeFake } from '../__fixtures__/probe-fake.ts';
import { formatProbeLine, formatProbeReport } from './format-probe-report.ts';
import type { ProbeReport } from './probe-types.ts';
import { runProbe } from './run-probe.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function probe(mistakes: Parameters<typeof startProbeFake>[0]): Promise<ProbeReport> {
  const fake = await startProbeFake(mistakes);
  closers.push(() => fake.close());
  return runProbe({ baseUrl: fake.baseUrl, apiKey: 'probe-key-0001' });
}

describe('runProbe against a snake_case gateway', () => {
  it('warns on the field names, names them, and passes every line gemloop reads through', async () => {
    const report = await probe(['snake-case']);
    const line = report.records.find((record) => record.id === 'field-names');
    expect(line?.status).toBe('warn');
    expect(line?.detail).toContain('usage_metadata');
    expect(line?.detail).toContain('finish_reason');
    expect(line?.workaround).toMatch(/^Works around: gemloop reads/);
    // The calls, their ids and signatures, the usage and the finish reasons are all there once
    // renamed: no line fails, and a warning is not a failure.
    const failed = report.records.filter((record) => record.status === 'fail');
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
    for (const id of ['function-call-ids', 'parallel-calls', 'usage-fields', 'finish-reasons']) {
      expect(report.records.find((record) => record.id === id)?.status, id).toBe('pass');
    }
    const text = formatProbeReport(report);
    expect(text).toMatch(/^WARN {2}field names in the API's camelCase/m);
    expect(text).toContain('      -> Works around: gemloop reads');
    expect(text).toContain('All checked properties pass (1 warned, ');
    expect(formatProbeLine(line as NonNullable<typeof line>)).toMatch(
      /^WARN .*: answers in snake_case/,
    );
  });

  it('passes the field names of the API itself', async () => {
    const report = await probe([]);
    const line = report.records.find((record) => record.id === 'field-names');
    expect(line).toMatchObject({ status: 'pass', workaround: undefined });
    expect(formatProbeReport(report)).not.toContain('warned');
  });
});
