import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCalculatorTool, createDateTimeTools, createFileTools } from '@gemloop/tools';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createConvertUnitsTool } from './convert-units-tool.ts';
import { createWeatherTool } from './weather-tool.ts';

// The demo model's question table (@gemloop/testing/dev-model) runs on a snapshot of these
// declarations, so it does not depend on the demo's files. This keeps the snapshot honest.
const snapshotPath = new URL(
  '../../packages/testing/src/dev-model/__fixtures__/demo-tool-set.json',
  import.meta.url,
);

describe('the demo model tool-set snapshot', () => {
  it('matches the live declarations of the demo, date/time and file tools', () => {
    const root = mkdtempSync(join(tmpdir(), 'gemloop-demo-tools-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const snapshot: unknown = JSON.parse(readFileSync(snapshotPath, 'utf8'));
    const live = [
      createWeatherTool({ source: 'simulated' }),
      createConvertUnitsTool(),
      createCalculatorTool(),
      ...createDateTimeTools().tools,
      ...createFileTools({ root }).tools,
    ].map((tool) => tool.declaration);
    expect(snapshot).toEqual(JSON.parse(JSON.stringify(live)));
  });
});
