import { join } from 'node:path';
import { createFakeGemini } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/capture-io.ts';
import { main } from './cli.ts';
import { createEstimateCommand } from './commands/estimate.ts';

// attack67b: `--` ends the options (POSIX Utility Syntax Guideline 10,
// https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap12.html#tag_12_02): what follows
// is an operand even when it starts with `-`. `gemloop replay` and `diff` read it so; `chat`,
// `estimate` and `eval` (a suite, `compare`, `canary`) did not: `gemloop estimate agent.ts --
// '-5°C in Oslo: what do I pack?'` printed the usage (no input that starts with `-` could be
// estimated at all), `gemloop eval -- -suite.mjs` said "Unknown option '-s'", `gemloop eval
// compare -- a.json b.json` "unknown option --", and `gemloop chat -- -agent.mjs` the usage.

const AGENT = join(import.meta.dirname, '__fixtures__/estimate-agent.ts');
const fake = createFakeGemini({});
beforeAll(async () => {
  const { url } = await fake.listen();
  process.env['GEMLOOP_ESTIMATE_TEST_URL'] = url;
});
afterAll(async () => {
  delete process.env['GEMLOOP_ESTIMATE_TEST_URL'];
  await fake.close();
});

describe('-- before an operand that starts with -', () => {
  it('estimate: the input after -- is estimated, the options after it still read', async () => {
    const io = captureIo({});
    const code = await createEstimateCommand(process.cwd()).run(
      [
        AGENT,
        '--',
        '-5°C in Oslo: what do I pack?',
        '--runs',
        '/nonexistent-gemloop-runs',
        '--json',
      ],
      io,
    );
    expect(code, io.err()).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ source: 'count-tokens' });
  });

  it('chat: the file after -- is the one imported', async () => {
    const io = captureIo({});
    expect(await main(['chat', '--', '-no-such-agent.mjs'], io)).toBe(2);
    expect(io.err()).toMatch(/^gemloop chat: -no-such-agent\.mjs: importing it failed/);
  });

  it('eval: the suite file after -- is the one looked for', async () => {
    const io = captureIo({});
    expect(await main(['eval', '--', '-no-such-suite.mjs'], io)).toBe(2);
    expect(io.err()).toMatch(/no such file \(looked for .*-no-such-suite\.mjs\)/);
    expect(io.err()).not.toContain('Unknown option');
  });

  it('eval: -- then a word that is a subcommand is a suite file of that name', async () => {
    const io = captureIo({});
    expect(await main(['eval', '--', 'compare'], io)).toBe(2);
    expect(io.err()).toMatch(/no such file \(looked for .*compare\)/);
  });

  it('eval compare: the two files after -- are compared', async () => {
    const io = captureIo({});
    expect(await main(['eval', 'compare', '--', '-a.json', '-b.json'], io)).toBe(1);
    expect(io.err()).toMatch(/-a\.json: cannot read it/);
  });

  it('eval canary: the suite after -- is the one looked for', async () => {
    const io = captureIo({});
    const code = await main(
      [
        'eval',
        'canary',
        '--',
        '-no-such-suite.mjs',
        '--from',
        'gemini-2.5-flash',
        '--to',
        'gemini-3-flash-preview',
      ],
      io,
    );
    expect(io.err()).not.toContain('give the suite FILE first');
    expect(io.err()).toMatch(/-no-such-suite\.mjs/);
    expect(code).toBe(2);
  });

  it('still refuses an option where an operand goes, and -- with nothing after it', async () => {
    for (const argv of [
      ['chat', '--id', 'x'],
      ['chat', '--'],
      ['estimate', AGENT, '--'],
      ['eval', '--'],
    ]) {
      const io = captureIo({});
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(/Usage: gemloop/);
    }
  });

  it('after --, --help is an operand, not a request for help', async () => {
    const io = captureIo({});
    expect(await main(['chat', '--', '--help'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^gemloop chat: --help: importing it failed/);
  });
});
