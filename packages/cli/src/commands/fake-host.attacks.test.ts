// `gemloop fake --host` given what no host name holds (attack44d): a pasted value with terminal
// escapes. Before, it passed the flag check (only empty, blank and `/` were refused) and reached the
// terminal raw twice: in the "not a loopback address" warning and in Node's DNS error
// ("getaddrinfo ENOTFOUND <host>"), an OSC 52 setting the clipboard, a CSI clearing the screen.

import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createFakeCommand } from './fake.ts';

const HOSTILE_HOSTS = [
  '\u001b]52;c;cm0gLXJmIH4K\u0007evil.example',
  'localhost\u001b[2J\u001b[H',
  '127.0.0.1\u009b2J',
  'evil\u202eelpmaxe',
  'host\u0000name',
];

describe('gemloop fake --host with control characters', () => {
  it.each(HOSTILE_HOSTS)(
    'refuses %j before listening, naming the flag with the value escaped',
    async (host) => {
      const io = captureIo();
      let waited = false;
      const command = createFakeCommand(async () => {
        waited = true;
      });
      const code = await command.run(['--port', '0', '--host', host], io);
      expect(code).toBe(2);
      expect(waited).toBe(false);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(
        /^gemloop fake: --host ".*" is not accepted; use 127\.0\.0\.1, ::1, localhost/,
      );
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control may be printed
      expect(io.err()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(io.err()).not.toContain('getaddrinfo');
    },
  );
});
