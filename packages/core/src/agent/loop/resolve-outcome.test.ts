import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentRunState } from '../../run/agent-result.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import {
  callsTurn,
  createScriptedGemini,
  finishTurn,
  textTurn,
} from '../__fixtures__/scripted-gemini.ts';
import type { AgentOptions } from '../config/agent-options.ts';
import { resolveAgentConfig } from '../config/resolve-agent-config.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { InvalidModelResponseError } from '../errors/invalid-model-response-error.ts';
import { OutputValidationError } from '../errors/output-validation-error.ts';
import { createStep } from './create-step.ts';
import { FINAL_OUTPUT_NOTE } from './finish-outcome.ts';
import type { LoopPosition, NextStep } from './next-step.ts';
import { resolveOutcome } from './resolve-outcome.ts';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => q,
});

const run = { contents: [], newContents: [], steps: [], usage: {} } as unknown as AgentRunState;

function resolve<Output = undefined>(
  response: GenerateContentResponse,
  position: Partial<LoopPosition> = {},
  options: Partial<AgentOptions<Output>> = {},
): Promise<NextStep<Output>> & { step: ReturnType<typeof createStep> } {
  const config = resolveAgentConfig<Output>({
    gemini: createScriptedGemini([]),
    model: 'gemini-2.5-flash',
    tools: [lookup],
    ...options,
  } as AgentOptions<Output>);
  const kind = position.kind ?? 'tools';
  const step = createStep({ response, stepNumber: 1, kind, startedAt: 0, modelMs: 0 });
  // A promise only when an `output` schema checks the answer: the loop awaits only that one.
  const next = resolveOutcome(config, step, { kind, reasks: 0, stepsLeft: true, ...position });
  return Object.assign(Promise.resolve(next), { step });
}

describe('resolveOutcome', () => {
  it('keeps a call turn as received and runs its calls', async () => {
    const resolving = resolve(callsTurn(['lookup', { q: 'a' }, 'c1']), { reasks: 2 });
    const next = await resolving;
    expect(next).toEqual({
      type: 'run-again',
      append: resolving.step.content,
      calls: resolving.step.content,
      kind: 'tools',
      reasks: 0,
    });
    expect(next.append).toBe(resolving.step.content);
  });

  it('appends a signed copy of an unsigned Gemini 3 call turn, not the model object', async () => {
    const resolving = resolve(
      callsTurn(['lookup', { q: 'a' }]),
      {},
      {
        model: 'gemini-3-flash-preview',
      },
    );
    const next = await resolving;
    expect(next.append).not.toBe(resolving.step.content);
    expect(next.append?.parts[0]?.thoughtSignature).toBeTypeOf('string');
    expect(resolving.step.content?.parts[0]?.thoughtSignature).toBeUndefined();
  });

  it('re-asks an empty answer with a note and appends nothing of it', async () => {
    const next = await resolve(finishTurn('STOP', []), { reasks: 1 });
    expect(next).toMatchObject({ type: 'run-again', reask: 'empty-response', reasks: 2 });
    expect(next.append).toBeUndefined();
    expect(next.type === 'run-again' && next.note).toMatch(/^Your last response was empty/);
  });

  it('fails once the re-asks are used up, counting this attempt', async () => {
    const next = await resolve(
      finishTurn('MALFORMED_FUNCTION_CALL', undefined),
      { reasks: 2 },
      {
        maxReasks: 2,
      },
    );
    expect(next.type).toBe('fail');
    const error = next.type === 'fail' ? next.error(run) : undefined;
    expect(error).toBeInstanceOf(InvalidModelResponseError);
    expect(error).toMatchObject({ reason: 'malformed-function-call', attempts: 3 });
  });

  it('re-asks a call in the final structured-output step, which has no tools', async () => {
    const next = await resolve(callsTurn(['lookup', { q: 'a' }]), { kind: 'final-output' });
    expect(next).toMatchObject({
      type: 'run-again',
      reask: 'unexpected-tool-call',
      kind: 'final-output',
    });
    expect(next.type === 'run-again' && next.note).toContain('No functions are available');
  });

  it('ends the run with an answer', async () => {
    const resolving = resolve(textTurn('Hi'));
    expect(await resolving).toEqual({
      type: 'finish',
      append: resolving.step.content,
      finishReason: 'stop',
    });
  });

  it('keeps a partial answer at MAX_TOKENS but never a turn with calls', async () => {
    const partial = resolve(finishTurn('MAX_TOKENS', [{ text: 'Once upon' }]));
    expect(await partial).toMatchObject({
      finishReason: 'max-tokens',
      append: partial.step.content,
    });
    const calls = await resolve(
      finishTurn('MAX_TOKENS', [{ functionCall: { name: 'lookup', args: {} } }]),
    );
    expect(calls).toMatchObject({ type: 'finish', finishReason: 'max-tokens' });
    expect(calls.append).toBeUndefined();
  });

  it('answers at once, not with a promise, unless an output schema checks the answer', () => {
    const config = resolveAgentConfig({
      gemini: createScriptedGemini([]),
      model: 'gemini-2.5-flash',
      tools: [lookup],
    });
    const position = { kind: 'tools', reasks: 0, stepsLeft: true } as const;
    for (const response of [
      callsTurn(['lookup', { q: 'a' }]),
      textTurn('Done.'),
      finishTurn('SAFETY', undefined),
    ]) {
      const step = createStep({ response, stepNumber: 1, kind: 'tools', startedAt: 0, modelMs: 0 });
      expect(resolveOutcome(config, step, position)).not.toBeInstanceOf(Promise);
    }
    const withOutput = resolveAgentConfig({
      gemini: createScriptedGemini([]),
      model: 'gemini-2.5-flash',
      output: z.object({ answer: z.number() }),
    });
    const answer = createStep({
      response: textTurn('{"answer":1}'),
      stepNumber: 1,
      kind: 'tools',
      startedAt: 0,
      modelMs: 0,
    });
    expect(resolveOutcome(withOutput, answer, position)).toBeInstanceOf(Promise);
  });

  describe('with an output schema', () => {
    const output = z.object({ answer: z.number() });

    it('ends with the parsed output', async () => {
      const next = await resolve(textTurn('{"answer":42}'), {}, { output, tools: [] });
      expect(next).toMatchObject({ type: 'finish', finishReason: 'stop', output: { answer: 42 } });
    });

    it('asks for the JSON without tools when the model cannot combine them (final-call)', async () => {
      const resolving = resolve(textTurn('It is 42.'), { reasks: 1 }, { output });
      expect(await resolving).toEqual({
        type: 'run-again',
        append: resolving.step.content,
        note: FINAL_OUTPUT_NOTE,
        kind: 'final-output',
        reasks: 0,
      });
    });

    it('re-asks with the issues, keeping the answer, then fails', async () => {
      const answer = textTurn('{"answer":"many"}');
      const first = await resolve(answer, { kind: 'final-output' }, { output });
      expect(first).toMatchObject({ type: 'run-again', reask: 'invalid-output', reasks: 1 });
      expect(first.append).toBeDefined();
      expect(first.type === 'run-again' && first.note).toMatch(/^Your answer does not match/);
      const last = await resolve(answer, { kind: 'final-output', stepsLeft: false }, { output });
      expect(last.type === 'fail' && last.error(run)).toBeInstanceOf(OutputValidationError);
      expect(last.append).toBeDefined();
    });

    it('fails without a re-ask when the schema itself throws', async () => {
      const throwing = z.object({ answer: z.number() }).transform(() => {
        throw new Error('transform broke');
      });
      const next = await resolve(textTurn('{"answer":1}'), {}, { output: throwing, tools: [] });
      const error = next.type === 'fail' ? next.error(run) : undefined;
      expect(error).toBeInstanceOf(AgentRunError);
      expect(error?.message).toContain('transform broke');
      expect(next.append).toBeDefined();
    });
  });
});
