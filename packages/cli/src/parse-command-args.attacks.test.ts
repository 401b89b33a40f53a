import { describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/capture-io.ts';
import { main } from './cli.ts';

// attack-doors9: what a user pastes on the command line (a file name with an escape and a line
// end, an option spelled with them) is quoted by node:util's parseArgs in its refusal, as typed:
// `gemloop view 'runs<ESC>[2J<LF>PASS'` cleared the terminal and printed a line of its own.

const HOSTILE = 'runs\u001b[2J\u001b]8;;http://evil.example\u0007\nPASS all 40 cases';

describe('a refused argument on the terminal', () => {
  it.each([
    ['view', ['view', HOSTILE]],
    ['view, an unknown option', ['view', `--${HOSTILE}`]],
    ['view, an option spelled with =', ['view', `--di\u001b[2Jr=x`]],
    ['probe, a value that looks like an option', ['probe', '--base-url', `-\u001b[2J\nPASS`]],
    ['replay, an unknown option', ['replay', 'run.jsonl', `--${HOSTILE}`]],
    ['diff, a short option', ['diff', 'a', 'b', `-\u001b`]],
    ['estimate, an unknown option', ['estimate', 'agent.ts', 'hi', `--${HOSTILE}`]],
  ])('%s: exit 2, the argument escaped, Node’s own words kept', async (_name, argv) => {
    const io = captureIo({});
    const code = await main(argv, io);
    const printed = io.err();
    expect(code, printed).toBe(2);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escapes are what is looked for
    expect(printed).not.toMatch(/[\u001b\u0007]/);
    expect(printed).not.toMatch(/^PASS/m);
    expect(printed).toMatch(/Usage: gemloop/);
  });

  it('keeps the refusal of plain arguments word for word', async () => {
    const io = captureIo({});
    expect(await main(['view', 'runs'], io)).toBe(2);
    expect(io.err()).toContain(
      "Unexpected argument 'runs'. This command does not take positional arguments",
    );
  });
});

// attack44d: Linux passes up to 128 KiB in one argument, and each refusal quoted it whole.
describe('a refused argument of 120,000 characters', () => {
  const LONG = 'a'.repeat(120_000);
  it.each([
    ['an unknown command', [LONG]],
    ['probe, an unknown option', ['probe', `--${LONG}`]],
    ['fake, an unknown option', ['fake', `--${LONG}=1`]],
    ['view, a positional', ['view', LONG]],
    ['estimate, an unknown option', ['estimate', 'agent.ts', 'hi', `--x${LONG}`]],
  ])('%s: exit 2, quoted cut to a few hundred characters', async (_name, argv) => {
    const io = captureIo({});
    expect(await main(argv, io)).toBe(2);
    const refusal = io.err().split('\n\nUsage:')[0] as string;
    expect(refusal).toContain('aaaa…');
    expect(refusal.length).toBeLessThan(600);
  });
});
