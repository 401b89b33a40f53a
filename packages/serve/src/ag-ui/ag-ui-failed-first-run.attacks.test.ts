import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// An AG-UI thread whose first run fails (attack-doors11). The client holds the conversation and
// sends all of it in every run input ("Everything the producer knows about the conversation
// arrives through it": https://docs.ag-ui.com/spec/1.0/basic/run-input); the server keeps a
// thread's turns only once a run of it has finished. Before, the earlier messages of the failed
// first run were kept and the thread no longer counted as new, so the next run read them and
// ignored the history the client sent then.

const input = (threadId: string, messages: [role: 'user' | 'assistant', text: string][]) =>
  JSON.stringify({
    threadId,
    runId: crypto.randomUUID(),
    state: {},
    messages: messages.map(([role, content]) => ({ id: crypto.randomUUID(), role, content })),
    tools: [],
    context: [],
    forwardedProps: {},
  });

/** The fake's script: the model fails its `failAt`-th call (from 0), answers the others in turn. */
const script = (failAt: number, ...answers: string[]) => {
  let calls = 0;
  return () => {
    const call = calls++;
    if (call === failAt) throw new Error('the model is down');
    return turn.text(answers[call < failAt ? call : call - 1] ?? 'no more');
  };
};

describe('an AG-UI thread whose first run fails', () => {
  it("the next run reads the history the client sends then, not the failed run's", async () => {
    const { fake, post } = await serveAgUi(script(0, 'You are Bob.'));
    const first = await post(
      input('t-1', [
        ['user', 'I am Ann.'],
        ['assistant', 'Hi Ann.'],
        ['user', 'Who am I?'],
      ]),
    );
    expect(await first.text()).toContain('RUN_ERROR');
    // The user cleared the chat in the page and started again in the same thread.
    const second = await post(
      input('t-1', [
        ['user', 'I am Bob.'],
        ['assistant', 'Hi Bob.'],
        ['user', 'Who am I?'],
      ]),
    );
    expect(await second.text()).toContain('RUN_FINISHED');
    const sent = JSON.stringify(fake.requests.at(-1)?.body);
    expect(sent).toContain('I am Bob.');
    expect(sent).not.toContain('Ann');
  });

  it('a retry with the same messages sends them once', async () => {
    const { fake, post } = await serveAgUi(script(0, 'You are Ann.'));
    const messages: [role: 'user' | 'assistant', text: string][] = [
      ['user', 'I am Ann.'],
      ['assistant', 'Hi Ann.'],
      ['user', 'Who am I?'],
    ];
    await (await post(input('t-1', messages))).text();
    expect(await (await post(input('t-1', messages))).text()).toContain('RUN_FINISHED');
    const contents = (fake.requests.at(-1)!.body as { contents: unknown[] }).contents;
    expect(JSON.stringify(contents).split('I am Ann.')).toHaveLength(2);
    expect(contents).toHaveLength(3);
  });

  it('after a run has finished, the server keeps the thread: a later failure changes nothing', async () => {
    const { fake, post } = await serveAgUi(script(1, 'Hi Ann.', 'Ann.'));
    await (await post(input('t-1', [['user', 'I am Ann.']]))).text();
    await (
      await post(
        input('t-1', [
          ['user', 'I am Ann.'],
          ['assistant', 'Hi Ann.'],
          ['user', 'Who?'],
        ]),
      )
    ).text();
    // A client that rewrites the history does not rewrite the server's thread.
    await (
      await post(
        input('t-1', [
          ['user', 'I am Eve.'],
          ['assistant', 'Hi Eve.'],
          ['user', 'Who am I?'],
        ]),
      )
    ).text();
    const sent = JSON.stringify(fake.requests.at(-1)?.body);
    expect(sent).toContain('I am Ann.');
    expect(sent).not.toContain('Eve.');
    expect(sent).not.toContain('Who?');
  });
});
