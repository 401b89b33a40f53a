// A chat page in React on @gemloop/react (useAgentChat), served by the browser-chat example's
// node:http server with @gemloop/core/web: the answer streams in, tool calls show as running then
// done, an email waits for your Approve/Deny on the page, Stop aborts the run on the server, and a
// broken connection resumes where it stopped. Offline (the default without a key) a scripted fake
// model answers: try "weather in Paris", "email me@example.com", "news".
//
//   node scripts/run-example.mjs react-chat            # then open the printed URL
//   node scripts/run-example.mjs react-chat --port 0   # any free port

import { startChatApp } from '../browser-chat/chat-app.ts';
import { scriptedModel } from '../browser-chat/scripted-model.ts';
import { run } from '../lib/run.ts';
import { REACT_PAGE } from './react-page.ts';

await run(
  async ({ gemini, model, flags }) => {
    const app = await startChatApp({
      gemini,
      model,
      port: flags.port ?? 8789,
      page: REACT_PAGE,
    });
    console.log(`Open ${app.url} (Ctrl-C stops the server).`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await app.close();
  },
  {
    description: 'A React chat page on @gemloop/react and @gemloop/core/web.',
    script: scriptedModel,
    fakeOptions: { chunkSize: 8, chunkDelayMs: 30 },
    flags: { port: { type: 'string', description: 'Port (default 8789; 0: any free port).' } },
  },
);
