// A sixth outside pass (attack-core6): Gemini's special parts (code execution, a file part, inline
// data, thought signatures on each) through a chat session saved to a file store and restored by
// another session, as a restarted server does. Public imports only, the fake Gemini on 127.0.0.1.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Content, createAgent, createChatSession, type Part } from '@gemloop/core';
import { createFileHistoryStore } from '@gemloop/core/chat';
import { turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MODEL, serve } from '../plugins/outside-attack-kit.ts';

/** What a code-execution answer of Gemini holds, each part with a signature of its own. */
const ANSWER: Part[] = [
  { thought: true, text: 'Let me compute.', thoughtSignature: 'c2lnLXRob3VnaHQ=' },
  {
    executableCode: { language: 'PYTHON', code: 'print(sum(range(10)))' },
    thoughtSignature: 'c2lnLWNvZGU=',
  },
  { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '45\n' } },
  { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' }, thoughtSignature: 'c2lnLWltZw==' },
  { text: 'The sum is 45.', thoughtSignature: 'c2lnLXRleHQ=' },
];

const USER: Content = {
  role: 'user',
  parts: [
    { text: 'Sum 0..9 and read this.' },
    {
      fileData: {
        mimeType: 'application/pdf',
        fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc',
      },
    },
  ],
};

describe('special parts through a chat saved to a file and restored', () => {
  it('the restored session sends the model turn and the file part back verbatim', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'gemloop-core6-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const { fake, gemini } = await serve([turn.parts(ANSWER), turn.text('fine')]);
    const agent = createAgent({ gemini, model: MODEL });
    const first = createChatSession({
      agent,
      id: 's1',
      store: createFileHistoryStore({ directory }),
    });
    await first.send(USER);
    await first.close();
    // Another session over the same file, as after a restart.
    const second = createChatSession({
      agent,
      id: 's1',
      store: createFileHistoryStore({ directory }),
    });
    expect((await second.send('And again?')).text).toBe('fine');
    const request = fake.modelRequests[1];
    if (request === undefined) throw new Error('the restored session sent nothing');
    const sent = (request.body as { contents: Content[] }).contents;
    expect(sent[0]).toEqual(USER);
    expect(sent[1]).toEqual({ role: 'model', parts: ANSWER });
    // Byte-equal with the answer as the API wrote it (its key order: parts, then role).
    expect(JSON.stringify(sent[1])).toBe(JSON.stringify({ parts: ANSWER, role: 'model' }));
  });
});
