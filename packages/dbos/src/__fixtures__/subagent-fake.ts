import type { GenerateContentResponse } from '@gemloop/core/wire';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';

// The fake of the durable subagent tests (child-workflows and others): the parent,
// manager and researcher agents of the worker fixture, told apart by their instructions, every
// turn raw with fixed ids and signatures (a call made again after a kill answers the same).

export type Call = { name: string; args: Record<string, unknown>; id: string };

/** A Gemini 3 turn of function calls with fixed ids and signatures (a redo answers the same). */
export function callsTurn(calls: readonly Call[]): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: calls.map((call) => ({
              functionCall: { name: call.name, args: call.args, id: call.id },
              thoughtSignature: Buffer.from(`sig-${call.id}`).toString('base64'),
            })),
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 25 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

export function textTurn(text: string): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text, thoughtSignature: Buffer.from(`sig-${text}`).toString('base64') }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 8, totalTokenCount: 38 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

/** The password the `teamSecret` agent's subagent logs in with (a secret argument of `login`). */
export const SECRET_PASSWORD = 'hunter2-durable-child';

/** A text answer cut at the output token limit (`MAX_TOKENS`). */
export function maxTokensTurn(text: string): GenerateContentResponse[] {
  return [
    {
      candidates: [
        { content: { role: 'model', parts: [{ text }] }, finishReason: 'MAX_TOKENS', index: 0 },
      ],
      usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 8, totalTokenCount: 38 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

export type Body = {
  systemInstruction?: { parts?: { text?: string }[] };
  contents?: { role?: string; parts?: Record<string, unknown>[] }[];
};

export const agentOf = (body: Body): 'child' | 'mid' | 'parent' => {
  const instructions = body.systemInstruction?.parts?.[0]?.text ?? '';
  return instructions.startsWith('CHILD')
    ? 'child'
    : instructions.startsWith('MID')
      ? 'mid'
      : 'parent';
};
export const firstText = (body: Body): string => String(body.contents?.[0]?.parts?.[0]?.['text'] ?? '');
export const answered = (body: Body): string[] =>
  (body.contents ?? []).flatMap((content) =>
    (content.parts ?? []).flatMap((part) =>
      part['functionResponse'] === undefined
        ? []
        : [(part['functionResponse'] as { name: string }).name],
    ),
  );

/** The parent's and the child's turns, by the run's (or the child's task's) first text. */
export function script(body: Body): GenerateContentResponse[] {
  const input = firstText(body);
  const done = answered(body);
  if (agentOf(body) === 'mid') {
    if (done.includes('research')) return textTurn(`mid answer to ${input}`);
    // A task that makes the researcher call refund (deepGuarded in child-workflows.test.ts).
    const task = input.includes('approve') ? `approve ${input}` : `crash ${input}`;
    return callsTurn([{ name: 'research', args: { task }, id: 'call-research' }]);
  }
  if (agentOf(body) === 'parent') {
    if (done.includes('research') || done.includes('delegate'))
      return textTurn(`parent answer to ${input}`);
    if (input.startsWith('deep'))
      return callsTurn([{ name: 'delegate', args: { task: `mid ${input}` }, id: 'call-delegate' }]);
    if (input.startsWith('two'))
      return callsTurn([
        { name: 'research', args: { task: 'sib A' }, id: 'call-research' },
        { name: 'research', args: { task: 'sib B' }, id: 'call-research' },
      ]);
    // Two research calls of one turn, each child a full lookup, slow, answer run (child-budget: the spend describe).
    if (input.startsWith('pair'))
      return callsTurn([
        { name: 'research', args: { task: `crash ${input} A` }, id: 'call-a' },
        { name: 'research', args: { task: `crash ${input} B` }, id: 'call-b' },
      ]);
    // A child cut at its output token limit (subagent-unfinished in child-workflows.test.ts).
    if (input.startsWith('cut'))
      return callsTurn([{ name: 'research', args: { task: input }, id: 'call-research' }]);
    const task = input.startsWith('approve')
      ? `approve ${input}`
      : input.startsWith('secret')
        ? input
        : `crash ${input}`;
    return callsTurn([{ name: 'research', args: { task }, id: 'call-research' }]);
  }
  if (input.startsWith('cut')) return maxTokensTurn(`partial answer to ${input}`);
  if (input.startsWith('secret')) {
    if (done.includes('login')) return textTurn(`child answer to ${input}`);
    return callsTurn([
      { name: 'login', args: { user: 'ada', password: SECRET_PASSWORD }, id: 'call-login' },
    ]);
  }
  if (input.startsWith('sib')) {
    if (done.includes('meet_siblings')) return textTurn(`child answer to ${input}`);
    return callsTurn([{ name: 'meet_siblings', args: { of: 2 }, id: 'call-meet' }]);
  }
  if (input.startsWith('approve')) {
    if (done.includes('refund')) return textTurn(`child answer to ${input}`);
    return callsTurn([{ name: 'refund', args: { order: '7', amount: 5 }, id: 'call-refund' }]);
  }
  if (done.includes('slow')) return textTurn(`child answer to ${input}`);
  if (done.includes('lookup'))
    return callsTurn([{ name: 'slow', args: { order: '7' }, id: 'call-slow' }]);
  return callsTurn([{ name: 'lookup', args: { order: '7' }, id: 'call-lookup' }]);
}


/** A fake answering the subagent tests' agents. */
export function createSubagentFake(): FakeGemini {
  return createFakeGemini({
    signatureValidation: 'present',
    script: (request) => turn.raw(script(request.body as Body)),
  });
}
