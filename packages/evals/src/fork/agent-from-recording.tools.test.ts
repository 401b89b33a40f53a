import { createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import type { EvalCase } from '../eval-case.ts';
import { agentFromRecording } from './agent-from-recording.ts';

// The tool declarations of an agent rebuilt from a recording, as the model is sent them: the
// recorded ones verbatim, a description the fork changes, and tool names that are also the names
// of Object's members. (fork-run.test.ts forks whole recorded runs.)

const declaration = (name: string, description: string) => ({
  name,
  description,
  parametersJsonSchema: { type: 'object', properties: {} },
});
const recording = (names: string[]): EvalCase => ({
  id: 'c',
  input: 'Hi',
  fixtures: {
    model: 'gemini-2.5-flash',
    modelResponses: [],
    requests: [
      {
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        tools: [
          { functionDeclarations: names.map((name) => declaration(name, `Recorded ${name}.`)) },
        ],
      },
    ],
  },
});

async function sentDeclarations(names: string[], toolDescriptions?: Record<string, string>) {
  await using fake = createFakeGemini({ script: [turn.text('Hello.')] });
  const agent = agentFromRecording(recording(names), {
    gemini: createGemini({ apiKey: 'k', fetch: fake.fetch }),
    ...(toolDescriptions === undefined ? {} : { change: { toolDescriptions } }),
  });
  await agent.run('Hi');
  const body = fake.modelRequests[0]?.body as {
    tools: { functionDeclarations: { name: string; description?: string }[] }[];
  };
  return body.tools[0]?.functionDeclarations.map((each) => [each.name, each.description]);
}

describe('agentFromRecording: tool declarations', () => {
  it('sends the recorded declarations verbatim, one description changed by the fork', async () => {
    expect(
      await sentDeclarations(['search', 'book'], { book: 'Books a table; ask first.' }),
    ).toEqual([
      ['search', 'Recorded search.'],
      ['book', 'Books a table; ask first.'],
    ]);
  });

  it('keeps the recorded description of a tool named like an Object member when the fork changes others', async () => {
    expect(await sentDeclarations(['constructor', 'toString'], { search: 'x' })).toEqual([
      ['constructor', 'Recorded constructor.'],
      ['toString', 'Recorded toString.'],
    ]);
  });
});
