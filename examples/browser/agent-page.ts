// An agent in the browser: bundle this file (esbuild, Vite, ...) into a page with a form#ask
// (an input named q) and an output#answer. The answer streams in as the model writes it.
//
//   npx esbuild examples/browser/agent-page.ts --bundle --format=esm --outfile=dist/agent-page.js
//
// Never ship a Gemini API key to a browser. Here the page calls your own server at /api/gemini,
// which checks the user's session token and forwards the request to
// https://generativelanguage.googleapis.com with the real key (and may rate-limit it).
// Tested in Chromium: test/runtimes/chromium.test.ts runs the same calls from a page.
//
// This page runs the agent itself. To keep the agent (its tools, history and key) on your server
// and stream only its events to the page, use @gemloop/core/web on the server and @gemloop/client
// here instead: examples/browser-chat (`node scripts/run-example.mjs browser-chat`).

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

/** Wires the agent to the page: call once, with the user's session token for your proxy. */
export function mountAgent({ sessionToken }: { sessionToken: string }): void {
  const gemini = createGemini({
    baseUrl: `${location.origin}/api/gemini`,
    apiKey: sessionToken,
    auth: 'bearer', // Authorization: Bearer <session token>, for your proxy to check
  });
  const localTime = defineTool({
    name: 'local_time',
    description: "The user's local date, time and time zone.",
    parameters: z.object({}),
    execute: () => ({
      now: new Date().toString(),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
  });
  const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [localTime] });

  const form = document.querySelector<HTMLFormElement>('form#ask');
  const answer = document.querySelector<HTMLOutputElement>('output#answer');
  if (form === null || answer === null)
    throw new Error('The page needs form#ask and output#answer');
  let running: AbortController | undefined;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    running?.abort(); // a new question stops the one before
    const controller = new AbortController();
    running = controller;
    const question = String(new FormData(form).get('q') ?? '');
    answer.value = '';
    try {
      for await (const part of agent.stream(question, { signal: controller.signal })) {
        if (part.type === 'text-delta') answer.value += part.text;
      }
    } catch (error) {
      if (!controller.signal.aborted) answer.value = `Something went wrong: ${String(error)}`;
    }
  });
}
