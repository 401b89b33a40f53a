import { describe, expect, it } from 'vitest';
import { skillFailure } from './__fixtures__/skill-test-helpers.ts';
import { loadSkills } from './load-skills.ts';

// attack66: a careless app's skills folder. The folder that could not be read was quoted whole
// with JSON.stringify: a 5,000-character path put 5,000 characters in the error, and a right-to-left
// override in a folder name reached the message (and the log line carrying it) raw, reordering
// what a reader sees after it.

describe('loadSkills with a folder that cannot be read', () => {
  it('quotes a long folder cut, saying how much was left out', async () => {
    const error = await skillFailure(() => loadSkills(`/${'s'.repeat(5000)}`));
    expect(error.reason).toBe('invalid-folder');
    expect(error.message.length).toBeLessThan(500);
    expect(error.message).toContain('characters omitted');
  });

  it('quotes bidi and control characters escaped', async () => {
    const error = await skillFailure(() => loadSkills('/no-such/\u202Egpj.skills'));
    expect(error.reason).toBe('invalid-folder');
    expect(error.message).not.toContain('\u202E');
    expect(error.message).toContain('\\u202e');
  });
});
