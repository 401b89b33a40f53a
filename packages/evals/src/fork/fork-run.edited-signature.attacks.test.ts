// leftovers79b (attack63b's leftover): a hand-edited recording whose answer N has an edited
// thoughtSignature replays (the replay's fake does not check signatures), and the fork's first
// live request sent that signature to the live model as the model's own turn: Gemini refuses a
// signature it did not give with a 400, after the replay. forkRun now compares the model turns of
// the fork's first request with the recording's own request N + 1 (the one Google took) and
// refuses before any live call, naming the step and the part; a recording without request N + 1,
// and a fork onto another model, are not refused.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Content, createGemini, InvalidArgumentError } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import type { EvalCase } from '../eval-case.ts';
import { forkRun } from './fork-run.ts';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const MODEL = 'gemini-3-flash-preview';
const SIGNED = 'c2lnLWNhbGwtb25l';
const callTurn: Content = {
  role: 'model',
  parts: [
    { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIGNED },
  ],
};
const answerTurn: Content = { role: 'model', parts: [{ text: 'Mild.' }] };

/** A full-fidelity recording of a two-step run: a signed call, then the answer. */
async function recording(): Promise<EvalCase> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-edited-signature-'));
  dirs.push(dir);
  const fake = createFakeGemini({
    script: [
      { raw: { candidates: [{ content: callTurn }] } },
      { raw: { candidates: [{ content: answerTurn }] } },
    ],
    signatureValidation: 'present',
  });
  fakes.push(fake);
  const recorder = createRunRecorder({ dir, fidelity: 'full' });
  const agent = weatherAgent(createGemini({ apiKey: 'test', fetch: fake.fetch, retry: false }), {
    recorder,
    model: MODEL,
  });
  expect((await agent.run('Weather?')).text).toBe('Mild.');
  await recorder.flush();
  const [name] = await readdir(dir);
  const made = caseFromRunFile(await readFile(join(dir, name as string), 'utf8'), name as string);
  if (made === undefined) throw new Error('the recorded run made no case');
  return made;
}

/** The recording with answer 1's signature edited by hand (a copy). */
function edited(made: EvalCase, signature = 'ZWRpdGVkLWJ5LWhhbmQ='): EvalCase {
  const copy = structuredClone(made);
  const part = copy.fixtures?.modelResponses[0]?.candidates?.[0]?.content?.parts?.[0];
  if (part === undefined) throw new Error('no recorded call part');
  part.thoughtSignature = signature;
  return copy;
}

function live(): { gemini: ReturnType<typeof createGemini>; fake: FakeGemini } {
  // Checking no signature: this fake stands for a model that took the recorded one (it never
  // gave it), and the assertions read what was sent.
  const fake = createFakeGemini({ script: [turn.text('Forked.')], signatureValidation: 'off' });
  fakes.push(fake);
  return { fake, gemini: createGemini({ apiKey: 'live', fetch: fake.fetch, retry: false }) };
}

describe('forkRun of a recording whose answer has an edited thought signature', () => {
  it('refuses before any live call, naming the step, the part and the request', async () => {
    const made = await recording();
    const { fake, gemini } = live();
    const error = await forkRun(edited(made), { until: 1, continueOn: gemini }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('recording');
    expect((error as Error).message).toContain("step 1's answer (modelResponses[0]), part 0");
    expect((error as Error).message).toContain('request 2');
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('forks the recording as recorded (the same signature goes on)', async () => {
    const made = await recording();
    const { fake, gemini } = live();
    const fork = await forkRun(made, { until: 1, continueOn: gemini });
    expect(fork.forked?.text).toBe('Forked.');
    const sent = fake.modelRequests[0]?.body as { contents: Content[] };
    expect(sent.contents[1]?.parts?.[0]?.thoughtSignature).toBe(SIGNED);
  });

  it('does not refuse on a guess: a recording without request N + 1', async () => {
    const made = edited(await recording());
    made.fixtures?.requests?.splice(1);
    const { fake, gemini } = live();
    const fork = await forkRun(made, { until: 1, continueOn: gemini });
    expect(fork.forked?.text).toBe('Forked.');
    expect(fake.modelRequests).toHaveLength(1);
  });

  it('does not refuse a fork onto another model, which is sent none of the signatures', async () => {
    const { fake, gemini } = live();
    const fork = await forkRun(edited(await recording()), {
      until: 1,
      continueOn: gemini,
      change: { model: 'gemini-2.5-flash' },
    });
    expect(fork.forked?.text).toBe('Forked.');
    expect(JSON.stringify(fake.modelRequests[0]?.body)).not.toContain('ZWRpdGVkLWJ5LWhhbmQ=');
  });

  // leftovers80: the check went by `change.model` only, so a fork whose own agent (createAgent)
  // or workflow (continueWith) runs another model was refused though it sends no signature.
  it('does not refuse a createAgent fork onto another model', async () => {
    const { fake, gemini } = live();
    const fork = await forkRun(edited(await recording()), {
      until: 1,
      continueOn: gemini,
      createAgent: ({ gemini: client, side }) =>
        weatherAgent(client, { model: side === 'fork' ? 'gemini-2.5-flash' : MODEL }),
    });
    expect(fork.forked?.text).toBe('Forked.');
    expect(JSON.stringify(fake.modelRequests[0]?.body)).not.toContain('ZWRpdGVkLWJ5LWhhbmQ=');
  });

  it('still refuses a createAgent fork on the recorded model', async () => {
    const { fake, gemini } = live();
    const error = await forkRun(edited(await recording()), {
      until: 1,
      continueOn: gemini,
      createAgent: ({ gemini: client }) => weatherAgent(client, { model: MODEL }),
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('does not refuse a continueWith fork that names its other model in change.model', async () => {
    const { fake, gemini } = live();
    const other = weatherAgent(gemini, { model: 'gemini-2.5-flash' });
    const fork = await forkRun(edited(await recording()), {
      until: 1,
      change: { model: 'gemini-2.5-flash' },
      continueWith: (turns) => other.run(turns),
    });
    expect(fork.forked?.text).toBe('Forked.');
    expect(JSON.stringify(fake.modelRequests[0]?.body)).not.toContain('ZWRpdGVkLWJ5LWhhbmQ=');
  });

  it('does not refuse where the recorded signature was shortened (the dummy goes instead)', async () => {
    const made = await recording();
    const shortened = '[16 characters omitted]';
    const request = made.fixtures?.requests?.[1] as { contents: Content[] } | undefined;
    const part = request?.contents[1]?.parts?.[0];
    if (part === undefined) throw new Error('no recorded request 2');
    part.thoughtSignature = shortened;
    const { gemini } = live();
    const fork = await forkRun(edited(made, shortened), { until: 1, continueOn: gemini });
    expect(fork.forked?.text).toBe('Forked.');
  });
});
