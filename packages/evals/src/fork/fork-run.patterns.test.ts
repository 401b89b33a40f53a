// A fork's live tools run behind a tool rebuilt from the recording, whose parseArgs is theirs: the
// fork's agent must await their pattern analysis as it awaits its own tools' (in the instant after
// defineTool, parseArgs throws "not loaded yet"), and refuse one the analysis refuses.

import { createGemini, defineTool, type Gemini, jsonSchema } from '@gemloop/core';
import { UnsafePatternError } from '@gemloop/core/errors';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSignedWeatherRun } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { forkRun } from './fork-run.ts';

const fakes: FakeGemini[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function continuing(): { fake: FakeGemini; gemini: Gemini } {
  const fake = createFakeGemini({
    script: [turn.call('get_weather', { city: 'Oslo' }), turn.text('done')],
    signatureValidation: 'off',
  });
  fakes.push(fake);
  return { fake, gemini: createGemini({ apiKey: 'then', fetch: fake.fetch, retry: false }) };
}

async function recorded() {
  const run = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
  cleanups.push(run.cleanup);
  const made = caseFromRunFile(run.text, run.file);
  if (made === undefined) throw new Error('the recorded run made no case');
  return made;
}

const weather = (pattern: string, ran: string[]) =>
  defineTool({
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string', pattern } },
      required: ['city'],
    }),
    execute: ({ city: name }) => {
      ran.push(name);
      return { city: name, temperatureC: 3 };
    },
  });

describe('forkRun with a live tool whose schema has a pattern', () => {
  it('runs it when the pattern is safe, although the analysis was still loading', async () => {
    const made = await recorded();
    const ran: string[] = [];
    const fork = await forkRun(made, {
      until: 1,
      continueOn: continuing().gemini,
      liveTools: [weather('^[A-Z][a-z]+$', ran)],
    });
    expect(fork.forked?.steps[0]?.toolCalls[0]).toMatchObject({
      outcome: 'success',
      output: { city: 'Oslo', temperatureC: 3 },
    });
    // The live tool answers the replayed call too (Paris), then the continued one.
    expect(ran).toEqual(['Paris', 'Oslo']);
  });

  it('refuses it when the pattern can backtrack super-linearly, before the fork asks the model', async () => {
    const made = await recorded();
    const ran: string[] = [];
    const then = continuing();
    const failure = await forkRun(made, {
      until: 1,
      continueOn: then.gemini,
      liveTools: [weather('^([A-Za-z]+\\s?)*$', ran)],
    }).then(
      (fork) => fork,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UnsafePatternError);
    expect(then.fake.modelRequests).toHaveLength(0);
    expect(ran).toEqual([]);
  });
});
