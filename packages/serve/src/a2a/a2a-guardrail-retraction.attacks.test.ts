import { type Task, TaskState } from '@a2a-js/sdk';
import { guardrails, type OutputGuardrail } from '@gemloop/core/guardrails';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { withoutRandomIds } from '../door/__fixtures__/serve-door.ts';
import { serveA2A, userMessage } from './__fixtures__/serve-a2a.ts';

// attack21: the A2A door and an answer an output guardrail (or a plugin's `checkAnswer`) took back
// after it streamed (no `holdBack`). The door streams the answer's deltas as appends to the task's
// `answer` artifact and, when the run completes, replaces it with the whole answer: a rewrite
// ends right. A block ends the run failed, and nothing replaced the artifact: the task kept the
// blocked text (a `GetTask` read it long after, a resubscribe replayed it), the one thing the
// guardrail was there to keep from the caller. The door now follows the run's
// `guardrail-retraction`: the artifact is replaced by what the guardrail left (nothing, when it
// blocked), as the browser protocol's `text-retraction` replaces a page's text.

const SECRET = 'The vault code is 4417-9902, keep it to yourself.';

const blockCodes: OutputGuardrail = {
  name: 'no-codes',
  check: ({ text }) =>
    /\d{4}-\d{4}/.test(text) ? { type: 'block', reason: 'a code' } : { type: 'pass' },
};

const redactCodes: OutputGuardrail = {
  name: 'redact-codes',
  check: ({ text }) => {
    const redacted = text.replace(/\d{4}-\d{4}/g, '[code]');
    return redacted === text ? { type: 'pass' } : { type: 'rewrite', text: redacted };
  },
};

/** Every text the task's artifacts hold, joined. */
function artifactText(task: Task | undefined): string {
  return JSON.stringify(task?.artifacts ?? []);
}

describe('the A2A door and an answer a guardrail took back (attack21)', () => {
  it('a blocked answer streamed: the stream ends with the artifact emptied, and the stored task holds none of it', async () => {
    const { client } = await serveA2A([turn.text(SECRET)], {
      agent: { guardrails: guardrails({ output: [blockCodes] }) },
    });
    const alice = await client('alice');
    let taskId = '';
    let last = '';
    for await (const event of alice.sendMessageStream(userMessage('What is the code?') as never)) {
      const payload = event.payload;
      if (payload?.$case === 'task') taskId ||= payload.value.id;
      if (payload?.$case === 'statusUpdate') taskId ||= payload.value.taskId;
      if (payload?.$case === 'artifactUpdate') {
        taskId ||= payload.value.taskId;
        const content = payload.value.artifact?.parts[0]?.content;
        last = content?.$case === 'text' ? content.value : '';
      }
    }
    expect(taskId).not.toBe('');
    expect(last).toBe('');
    const task = (await alice.getTask({ id: taskId } as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(artifactText(task)).not.toContain('4417');
    expect(withoutRandomIds(JSON.stringify(task))).not.toContain('4417');
  });

  it('a blocked answer asked unary: the task returned and the task read back hold none of it', async () => {
    const { client } = await serveA2A([turn.text(SECRET)], {
      agent: { guardrails: guardrails({ output: [blockCodes] }) },
    });
    const alice = await client('alice');
    const answered = (await alice.sendMessage(userMessage('What is the code?') as never)) as Task;
    expect(withoutRandomIds(JSON.stringify(answered))).not.toContain('4417');
    const task = (await alice.getTask({ id: answered.id } as never)) as Task;
    expect(withoutRandomIds(JSON.stringify(task))).not.toContain('4417');
  });

  it('a rewritten answer: the task holds the rewrite only', async () => {
    const { client } = await serveA2A([turn.text(SECRET)], {
      agent: { guardrails: guardrails({ output: [redactCodes] }) },
    });
    const alice = await client('alice');
    const answered = (await alice.sendMessage(userMessage('What is the code?') as never)) as Task;
    const task = (await alice.getTask({ id: answered.id } as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactText(task)).toContain('The vault code is [code], keep it to yourself.');
    expect(withoutRandomIds(JSON.stringify(task))).not.toContain('4417');
  });
});
