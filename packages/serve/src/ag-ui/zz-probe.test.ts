import { turn } from '@gemloop/testing';
import { it } from 'vitest';
import { tracerThatThrows } from '../door/__fixtures__/tracer-that-throws.ts';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

it('probe', async () => {
  const { client, events, errors, post } = await serveAgUi(() => turn.text('Answered.'), {
    handler: { tracerProvider: tracerThatThrows() },
  });
  const http = client('alice', 't-1');
  const first = await events(http, 'Hi.').catch((e: unknown) => e);
  console.log('FIRST', first instanceof Error ? `${first.constructor.name} ${first.message} ${JSON.stringify(first)}` : JSON.stringify(first).slice(0, 800));
  console.log('ERRORS', errors.length);
  const second = await events(http, 'Again.').catch((e: unknown) => e);
  console.log('SECOND', second instanceof Error ? `${second.message}` : JSON.stringify((second as {seen: unknown[]}).seen.map((e: any) => e.type)));
  console.log('ERRORS', errors.length);
});
