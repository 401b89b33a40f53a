// `gemloop fake --models` given names with terminal escapes or bidi characters (lockscli45, what
// attack44d left): a pasted list. Before, they were taken as model names and served to every client
// (the model list, the "model not found" errors), where a client that prints them runs the escape.
// Refused as `--host` is, with the fake's usual words and the value escaped.

import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createFakeCommand } from './fake.ts';

const HOSTILE_MODELS = [
  'gemini-2.5-flash,\u001b]52;c;cm0gLXJmIH4K\u0007evil',
  'my-model\u001b[2J\u001b[H',
  'gemini\u009b2J',
  'evil\u202eelpmaxe',
  'model\u0000name',
  'one,two\rthree',
];

describe('gemloop fake --models with control characters', () => {
  it.each(HOSTILE_MODELS)(
    'refuses %j before listening, naming the flag with the name escaped',
    async (models) => {
      const io = captureIo();
      let waited = false;
      const command = createFakeCommand(async () => {
        waited = true;
      });
      const code = await command.run(['--port', '0', '--models', models], io);
      expect(code).toBe(2);
      expect(waited).toBe(false);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(
        /^gemloop fake: --models ".*" is not accepted; use pattern, a comma-separated list of models/,
      );
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control may be printed
      expect(io.err()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    },
  );

  it('still takes plain names and pattern', async () => {
    for (const models of ['my-model, gemini-2.5-flash', 'pattern', 'tunedModels.x_1']) {
      const io = captureIo();
      let waited = false;
      const code = await createFakeCommand(async () => {
        waited = true;
      }).run(['--port', '0', '--models', models], io);
      expect([code, waited, io.err()]).toEqual([0, true, expect.not.stringContaining('--models')]);
    }
  });
});
