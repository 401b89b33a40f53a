// A chat page on @gemloop/client, served by a node:http server with @gemloop/core/web: the answer
// streams in, tool calls show, an email waits for your approval on the page, Stop aborts the run on
// the server, and a broken connection resumes where it stopped. Offline (the default without a key)
// a scripted fake model answers: try "weather in Paris", "email me@example.com", "news".
//
//   node scripts/run-example.mjs browser-chat            # then open the printed URL
//   node scripts/run-example.mjs browser-chat --port 0   # any free port

import { run } from '../lib/run.ts';
import { startChatApp } from './chat-app.ts';
import { scriptedModel } from './scripted-model.ts';

await run(
  async ({ gemini, model, flags }) => {
    const app = await startChatApp({ gemini, model, port: flags.port ?? 8788 });
    console.log(`Open ${app.url} (Ctrl-C stops the server).`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await app.close();
  },
  {
    description: 'A browser chat on @gemloop/client and @gemloop/core/web.',
    script: scriptedModel,
    fakeOptions: { chunkSize: 8, chunkDelayMs: 30 },
    flags: { port: { type: 'string', description: 'Port (default 8788; 0: any free port).' } },
  },
);
