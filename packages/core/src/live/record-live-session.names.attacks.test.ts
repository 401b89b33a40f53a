import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createLiveRecorder } from '../recorder/create-live-recorder.ts';
import { liveFixture, messagesOf, readUntil } from './__fixtures__/live-fixture.ts';
import { recordLiveSession } from './record-live-session.ts';

// attack41: a Live server calling a tool the session does not have by a 5 MB name and call id.
// The name went whole into the call's recorded line and again into its error's (10 MB of the
// session's 20 MB after one call: the next such call truncated the recording), and twice into the
// answer sent back (its `name`, and the error message quoting it). Spans already cut it (attack29).

const KEY = 'sk-live-attack41-0123456789abcdefghijklmnop';

/** The lines of the one live file recorded in `dir`. */
async function recordedLines(dir: string): Promise<Record<string, unknown>[]> {
  const [file] = (await readdir(dir)).filter((name) => name.includes('-live-'));
  const text = await readFile(join(dir, file as string), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function recordedSession(calls: { id: string; name: string }[]) {
  const { fake, agent } = await liveFixture(
    { script: [[{ toolCalls: calls.map((call) => ({ ...call, args: {} })) }], [{ text: 'done' }]] },
    {},
    KEY,
  );
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack41-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const recorder = createLiveRecorder({ dir });
  const session = await recordLiveSession(agent, { recorder });
  session.sendText('hi');
  const events = await readUntil(
    session[Symbol.asyncIterator](),
    (event) => event.type === 'text-delta' && event.text === 'done',
  );
  await session.close();
  await recorder.flush();
  return { fake, events, lines: await recordedLines(dir) };
}

describe('a Live server calling an undeclared tool by a huge name (attack41)', () => {
  it('records the name and id cut with a note, every line bounded, the session whole', async () => {
    const name = `n${'x'.repeat(5_000_000)}`;
    const id = `c${'i'.repeat(5_000_000)}`;
    const { fake, events, lines } = await recordedSession([
      { id, name },
      { id: 'c2', name: 'other' },
    ]);
    const cutName = `n${'x'.repeat(127)}… [${5_000_001 - 128} characters omitted]`;
    const cutId = `c${'i'.repeat(127)}… [${5_000_001 - 128} characters omitted]`;
    for (const line of lines) expect(JSON.stringify(line).length).toBeLessThan(2000);
    const call = lines.find((line) => line['type'] === 'tool-call');
    expect(call).toMatchObject({ toolCallId: cutId, toolName: cutName });
    const error = lines.find((line) => line['type'] === 'tool-error');
    expect(error).toMatchObject({ toolCallId: cutId, toolName: cutName, outcome: 'unknown-tool' });
    expect(error?.['message']).toBe(`There is no tool named "${cutName}". Call one of: .`);
    // The second call and the turn after both are there: nothing was truncated.
    expect(lines.filter((line) => line['type'] === 'tool-error').length).toBe(2);
    expect(lines.some((line) => line['type'] === 'turn' && line['text'] === 'done')).toBe(true);
    expect(lines.some((line) => line['type'] === 'truncated')).toBe(false);
    expect(lines.at(-1)).toMatchObject({ type: 'live-end', droppedLines: 0 });
    // The answer keeps the call's id and name as sent (they match it to the call), and its
    // message quotes the name cut; so does the event.
    const [answer] = messagesOf(fake, 0, 'toolResponse').flatMap(
      (message) =>
        (
          message['toolResponse'] as {
            functionResponses: { id: string; name: string; response: unknown }[];
          }
        ).functionResponses,
    );
    expect(answer?.id).toBe(id);
    expect(answer?.name).toBe(name);
    expect(JSON.stringify(answer?.response).length).toBeLessThan(1000);
    const failed = events.find((event) => event.type === 'tool-error');
    expect(failed?.type === 'tool-error' && failed.message.length).toBeLessThan(1000);
  });

  it('a key where the cut goes through the name is redacted before the cut, no start of it left', async () => {
    // The key starts 110 characters in: a cut at 128 kept 18 of its characters, which the whole
    // line's redaction no longer knew for the key.
    const name = `n${'x'.repeat(109)}${KEY}${'y'.repeat(1000)}`;
    const id = `c${'i'.repeat(109)}${KEY}${'j'.repeat(1000)}`;
    const { lines } = await recordedSession([{ id, name }]);
    const text = JSON.stringify(lines);
    expect(text).toContain(`n${'x'.repeat(109)}[redacted]`);
    for (let at = 0; at + 8 <= KEY.length; at++) expect(text).not.toContain(KEY.slice(at, at + 8));
  });
});
