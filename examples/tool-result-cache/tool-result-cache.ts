// A tool-result cache: a chat that reads the same five documents on every send runs the tool once
// per document with the cache (the later reads are hits, the model gets the same bytes), and an
// edit drops the one document it changed.
//
//   node scripts/run-example.mjs tool-result-cache
//
// Offline, the fake plays a model that reads all five documents for each question.

import { type AgentEvent, createAgent, createChatSession, defineTool } from '@gemloop/core';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';

const documents = new Map(
  ['pricing', 'roadmap', 'security', 'support', 'onboarding'].map((id) => [
    id,
    `The ${id} document, version 1.`,
  ]),
);
let executions = 0;
const readDoc = defineTool({
  name: 'read_doc',
  description: `Reads a document: ${[...documents.keys()].join(', ')}.`,
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => {
    executions++;
    return { id, text: documents.get(id) ?? 'No such document.' };
  },
});
const editDoc = defineTool({
  name: 'edit_doc',
  description: 'Replaces a document.',
  parameters: z.object({ id: z.string(), text: z.string() }),
  execute: ({ id, text }) => {
    documents.set(id, text);
    return { ok: true };
  },
});

// Offline: an edit request edits "security"; any other question reads all five documents once.
const reader: FakeScriptFunction = (_request, { lastUserText, functionResponses }) => {
  const asked = lastUserText ?? '';
  if (functionResponses.length > 0) return turn.text(`(scripted) Answered "${asked}".`);
  if (asked.startsWith('Edit'))
    return turn.call('edit_doc', { id: 'security', text: 'The security document, version 2.' });
  return turn.calls([...documents.keys()].map((id) => ({ name: 'read_doc', args: { id } })));
};

await run(
  async ({ gemini, model }) => {
    const cache = toolResultCache({
      scope: 'session',
      tools: {
        read_doc: { effect: 'read', cacheKey: ({ id }) => `doc/${id}` },
        edit_doc: {
          effect: 'write',
          invalidates: { prefixes: ({ id }) => [`read_doc:doc/${id}`] },
        },
      },
    });
    const questions = [
      'What do the five documents say about prices?',
      'And about support hours?',
      'Edit the security document.',
      'What changed?',
    ];
    for (const withCache of [false, true]) {
      executions = 0;
      const agent = createAgent({
        gemini,
        model,
        tools: [readDoc, editDoc],
        plugins: withCache ? [cache] : [],
      });
      const chat = createChatSession({ agent });
      let hits = 0;
      for (const question of questions) {
        const stream = chat.sendStream(question);
        for await (const event of stream as AsyncIterable<AgentEvent>)
          if (event.type === 'plugin' && event.kind === 'hit') hits++;
        await stream.result;
      }
      await chat.close();
      console.log(
        `${withCache ? 'with the cache' : 'without it'}: read_doc ran ${executions} times over ${questions.length} sends${withCache ? ` (${hits} hits)` : ''}`,
      );
    }
  },
  { description: 'A tool-result cache for a chat that reads the same documents.', script: reader },
);
