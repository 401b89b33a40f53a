import { describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/capture-io.ts';
import { main } from './cli.ts';
import { runProbe } from './probe/run-probe.ts';
import { resolveViewLimits } from './view/read-runs.ts';
import { startViewServer } from './view/start-view-server.ts';

// leftovers83 (leftovers82's note): the CLI's own option checks (the probe's, the viewer's) said
// `got ${String(value)}`: a number given as a string (`'5000'`, from an environment variable or a
// form) read `got 5000.`, as if 5000 were refused, an object `got [object Object]`, and a value
// was not bounded. They now name the value as core's option checks do (`describeValue`): `the
// string "5000"`, `5000`, `an object`, cut at 40 characters, and escaped once.

const KEY = 'AIzaSyA-test-key-0123456789abcdefghijklm';

async function messageOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('nothing was thrown');
}

const probe = (more: Record<string, unknown>) => () =>
  runProbe({ baseUrl: 'http://127.0.0.1:9', apiKey: KEY, ...more } as never);

describe("the probe's options name the value given", () => {
  it.each([
    [{ timeoutMs: '5000' }, 'timeoutMs must be a positive integer; got the string "5000".'],
    [{ timeoutMs: {} }, 'timeoutMs must be a positive integer; got an object.'],
    [{ maxAnswerBytes: [1] }, 'maxAnswerBytes must be a positive integer; got an array.'],
    [{ maxAnswerBytes: -1 }, 'maxAnswerBytes must be a positive integer; got -1.'],
    [{ apiVersion: 2 }, 'apiVersion must be a version such as v1beta; got 2.'],
    [{ model: {} }, 'model must be a model id such as gemini-3-flash-preview; got an object.'],
    [{ auth: 7 }, "auth must be 'x-goog-api-key' or 'bearer'; got 7."],
  ])('%o', async (options, expected) => {
    expect(await messageOf(probe(options))).toBe(expected);
  });

  it('a base URL: the key redacted before the value is cut, controls escaped once', async () => {
    const message = await messageOf(
      probe({ baseUrl: `not a url\x1b[2J?key=${KEY}&x=${'y'.repeat(200)}` }),
    );
    // Every query value of the base URL counts as a credential (createProbeSanitizer).
    expect(message).toMatch(
      /^baseUrl must be an http\(s\) URL such as https:\/\/api\.cometapi\.com; got "not a url\\u001b\[2J\?key=\[redacted\]&x=\[redacted\.\.\."\.$/,
    );
    expect(message).not.toContain('AIza');
    expect(message.length).toBeLessThan(160);
  });
});

describe("the viewer's options name the value given", () => {
  it('limits: the string "5" is named a string', async () => {
    expect(await messageOf(() => resolveViewLimits({ maxRunsListed: '5' as never }))).toBe(
      'limits.maxRunsListed must be a whole number above 0, or left out; got the string "5".',
    );
    expect(await messageOf(() => resolveViewLimits({ maxRunsListed: {} as never }))).toBe(
      'limits.maxRunsListed must be a whole number above 0, or left out; got an object.',
    );
  });

  it('allowedHosts: an object is named an object, a long host cut and escaped', async () => {
    const start = (host: unknown) => () =>
      startViewServer({ dir: '/nonexistent-gemloop', allowedHosts: [host] as never });
    expect(await messageOf(start({ host: 'x' }))).toBe(
      "allowedHosts: an object is not a host name such as 'viewer.example.com' (no scheme or path).",
    );
    const long = await messageOf(start(`https://\u202e${'h'.repeat(300)}`));
    expect(long).toMatch(/^allowedHosts: "https:\/\/\\u202eh+\.\.\." is not a host name/);
    expect(long).not.toContain('\u202e');
  });

  it('gemloop view --port: the value quoted once, escaped', async () => {
    const io = captureIo();
    expect(await main(['view', '--port', `8x\x1b[2J`], io)).toBe(2);
    expect(io.err()).toContain('got "8x\\u001b[2J".');
  });
});
