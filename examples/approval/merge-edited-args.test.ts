import { describe, expect, it } from 'vitest';
import { mergeEditedArgs } from './merge-edited-args.ts';

const email = { to: 'team@example.com', subject: 'Workspace cleaned', body: 'All gone.' };

describe('mergeEditedArgs', () => {
  it('changes the fields given and keeps the others', () => {
    expect(mergeEditedArgs(email, '{"subject":"Draft","to":"me@example.com"}')).toEqual({
      ok: true,
      args: { to: 'me@example.com', subject: 'Draft', body: 'All gone.' },
    });
  });

  it('adds a field the call did not have', () => {
    expect(mergeEditedArgs({ path: 'a.md' }, '{"force":true}')).toEqual({
      ok: true,
      args: { path: 'a.md', force: true },
    });
  });

  it('asks again for text that is not JSON, or not an object', () => {
    expect(mergeEditedArgs(email, '{subject: Draft}')).toEqual({
      ok: false,
      message: 'That is not JSON; try again.',
    });
    for (const text of ['"Draft"', '["Draft"]', 'null', '3']) {
      expect(mergeEditedArgs(email, text)).toMatchObject({
        ok: false,
        message: expect.stringContaining('JSON object of the fields to change'),
      });
    }
  });
});
