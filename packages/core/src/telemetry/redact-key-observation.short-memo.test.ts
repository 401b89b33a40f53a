import { describe, expect, it } from 'vitest';
import type { Redactor } from '../shared/client-redactor.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import type { Content } from '../wire/content.ts';
import { startRecordedObservation } from './__fixtures__/key-walk-observation.ts';
import type { RunObservation } from './run-observer.ts';

// observe67: each model call's info holds the run's whole history, and the observers' key walk
// handed every short string and property name of it (`role`, `parts`, `functionCall`, a tool's
// name, its arguments) to the client's redactor again at every step, each a whole scan: the
// short texts scanned grew with the square of the run's length, most of an observed step's
// redaction. With the run's memo each is scanned once per list of secrets, by its characters.

const KEY = 'AIzaShortMemoKey-0123456789abcdefgh';

/** The client's redaction (scrubSecrets over its key), counting how often each text is scanned. */
function countingRedactor() {
  const scans = new Map<string, number>();
  const counted = (text: string) => scans.set(text, (scans.get(text) ?? 0) + 1);
  const redact: Redactor = (value, held) => {
    if (held === undefined) {
      if (typeof value === 'string') counted(value);
      return scrubSecrets(value, [KEY], undefined, held);
    }
    // Handed with its holder: scanned when the memo counts characters for it.
    const before = held.memo.scannedChars;
    const scrubbed = scrubSecrets(value, [KEY], undefined, held);
    if (typeof value === 'string' && held.memo.scannedChars > before) counted(value);
    return scrubbed;
  };
  return { redact, scans };
}

/** `steps` model steps, each calling a tool, through `observation`: the history grows each step. */
function runSteps(observation: RunObservation, steps: number): void {
  const history: Content[] = [{ role: 'user', parts: [{ text: 'Add them up.' }] }];
  for (let step = 1; step <= steps; step++) {
    const call = observation.modelCall({
      stepNumber: step,
      request: { model: 'm', contents: [...history] },
      streaming: false,
      startedAt: 0,
    });
    const reply: Content = {
      role: 'model',
      parts: [{ functionCall: { id: `c${step}`, name: 'add', args: { a: step, b: 1 } } }],
    };
    call.end({ response: { candidates: [{ content: reply }] } } as never, 1);
    history.push(reply);
    const tool = observation.toolCall({ toolName: 'add', args: { a: step, b: 1 } } as never);
    tool.end({ toolName: 'add', result: { sum: step + 1 } } as never, 1);
    history.push({
      role: 'user',
      parts: [{ functionResponse: { id: `c${step}`, name: 'add', response: { sum: step + 1 } } }],
    });
    observation.stepEnd({ stepNumber: step, content: reply } as never);
  }
  observation.end({ result: { text: 'done', contents: history } } as never, 2);
}

function observedRun(steps: number) {
  const { redact, scans } = countingRedactor();
  const { observation, seen } = startRecordedObservation(redact);
  runSteps(observation, steps);
  return { scans, seen };
}

describe('an observed run scans each short text once (observe67)', () => {
  it('20 steps: each short string and property name of the history scanned at most twice', () => {
    const { scans, seen } = observedRun(20);
    // Twice at most: once as a value and once as a property name (the run's two memos), whatever
    // the number of steps. Before, `stepNumber` was scanned 40 times in these 20 steps.
    const most = Math.max(...scans.values());
    expect([...scans].filter(([, count]) => count > 2)).toEqual([]);
    expect(most).toBeGreaterThan(0);
    // And the observers saw every record whole (nothing to redact).
    const told = JSON.stringify(seen);
    expect(told).toContain('"functionCall":{"id":"c20","name":"add","args":{"a":20,"b":1}}');
    expect(told).not.toContain('[redacted]');
  });

  it('40 steps scan the short texts no more often than 20 do', () => {
    const total = (scans: Map<string, number>) => [...scans.values()].reduce((a, b) => a + b, 0);
    const twenty = total(observedRun(20).scans);
    const forty = total(observedRun(40).scans);
    // The new texts of the 20 more steps (`c21`...), not the whole history again at each step:
    // 53 scans, then 73 (before: 5,384, then 19,154).
    expect(forty - twenty).toBeLessThan(twenty);
  });
});
