import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/capture-io.ts';
import { main } from './cli.ts';
import { createEvalCommand } from './commands/eval.ts';

// attack59c: a mistyped command, option or eval subcommand was refused with no hint of the
// name meant ("Unknown option '--concurency'"), and `gemloop eval comapre a.json b.json` was
// refused for its second argument ("Unexpected argument 'a.json'"), not for the typo.

const empty = mkdtempSync(join(tmpdir(), 'gemloop-did-you-mean-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('a mistyped name gets the name meant', () => {
  it.each([
    ['a command', ['evl', 'suite.ts'], "gemloop: unknown command 'evl'. Did you mean 'eval'?"],
    ['a command in capitals', ['PROBE'], "Did you mean 'probe'?"],
    ['an option of eval', ['eval', 'x.ts', '--concurency', '2'], 'Did you mean --concurrency?'],
    ['an option with =', ['eval', 'x.ts', '--min-pas=0.9'], 'Did you mean --min-pass?'],
    ['an option of replay', ['replay', 'run.jsonl', '--untill', '1'], 'Did you mean --until?'],
    [
      'an option of probe',
      ['probe', '--base-ur', 'http://127.0.0.1:1'],
      'Did you mean --base-url?',
    ],
  ])('%s: exit 2 and the hint', async (_name, argv, hint) => {
    const io = captureIo({});
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain(hint);
    expect(io.err()).toMatch(/Usage: gemloop/);
  });

  it('an unknown option near no name gets no hint, and Node’s words stay', async () => {
    const io = captureIo({});
    expect(await main(['eval', 'x.ts', '--zzzzzzzzzz'], io)).toBe(2);
    expect(io.err()).toContain("Unknown option '--zzzzzzzzzz'");
    expect(io.err()).not.toContain('Did you mean');
  });

  it('a hint never echoes what was typed: escapes in the option stay escaped', async () => {
    const io = captureIo({});
    expect(await main(['eval', 'x.ts', '--concurenc\u001b[2J'], io)).toBe(2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape is what is looked for
    expect(io.err()).not.toMatch(/\u001b/);
  });

  it('eval comapre a.json b.json: the subcommand named, exit 2, nothing read', async () => {
    const io = captureIo({});
    expect(await createEvalCommand(empty).run(['comapre', 'a.json', 'b.json'], io)).toBe(2);
    expect(io.err()).toContain(
      "gemloop eval: no eval file or subcommand 'comapre'. Did you mean gemloop eval compare?",
    );
    // The refusal names the typo, not the files after it (the usage below quotes `a.json`).
    expect(io.err().split('\n\nUsage:')[0]).not.toContain('a.json');
  });

  it.each([['from-run'], ['canery'], ['bisec']])(
    'eval %s: the subcommand meant is named',
    async (typed) => {
      const io = captureIo({});
      expect(await createEvalCommand(empty).run([typed], io)).toBe(2);
      expect(io.err()).toMatch(/Did you mean gemloop eval (from-runs|canary|bisect)\?/);
    },
  );

  it('a suite file that is named like a subcommand is still a file, never a typo', async () => {
    const io = captureIo({});
    // No such file, and far from every subcommand: the file error as before.
    expect(await createEvalCommand(empty).run(['suite.ts'], io)).toBe(2);
    expect(io.err()).toContain('no such file');
    expect(io.err()).not.toContain('Did you mean');
    // A file named one slip from a subcommand is run as the suite it is, not refused as a typo.
    writeFileSync(join(empty, 'canery'), 'export default 1;\n');
    const file = captureIo({});
    await createEvalCommand(empty).run(['canery'], file);
    expect(file.err()).not.toContain('Did you mean');
  });
});

// attack59c: a one-value option given twice was taken as its last value, without a word:
// `gemloop probe --base-url A --base-url B` probed B, `gemloop replay --until 1 --until 2` forked at 2.
describe('a one-value option given twice', () => {
  it.each([
    [
      'probe, two gateways',
      ['probe', '--base-url', 'https://a.example', '--base-url=https://b.example'],
    ],
    ['replay, two fork points', ['replay', 'run.jsonl', '--until', '1', '--until', '2']],
    ['eval, two gates', ['eval', 'x.ts', '--min-pass', '0.5', '--min-pass', '0.9']],
  ])('%s: exit 2, both values named', async (_name, argv) => {
    const io = captureIo({});
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(/was given twice, as '[^']+' and '[^']+': give it once\./);
  });

  it('the same value twice, and a repeatable option, pass as before', async () => {
    const io = captureIo({});
    // Refused later for the missing file, not for the repeat.
    expect(await main(['replay', 'nope.jsonl', '--until', '1', '--until', '1'], io)).not.toBe(0);
    expect(io.err()).not.toContain('given twice');
    const multiple = captureIo({});
    await main(
      ['replay', 'nope.jsonl', '--until', '1', '--tool-result', '1:0=1', '--tool-result', '2:0=2'],
      multiple,
    );
    expect(multiple.err()).not.toContain('given twice');
  });

  it('escapes what it quotes', async () => {
    const io = captureIo({});
    expect(await main(['probe', '--model', 'a\u001b[2J', '--model', 'b'], io)).toBe(2);
    expect(io.err()).toContain("--model was given twice, as 'a\\u001b[2J' and 'b'");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape is what is looked for
    expect(io.err()).not.toMatch(/\u001b/);
  });
});
