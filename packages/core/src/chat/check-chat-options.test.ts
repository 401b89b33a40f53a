import { describe, expect, it } from 'vitest';
import { defaultsMismatches } from '../options/__fixtures__/documented-defaults.ts';
import { CHAT_SESSION_DEFAULTS } from './check-chat-options.ts';

describe('the defaults of createChatSession', () => {
  it('are what the TSDoc of CreateChatSessionOptions states', () => {
    expect(
      defaultsMismatches(
        new URL('./chat-session.ts', import.meta.url),
        'CreateChatSessionOptions',
        CHAT_SESSION_DEFAULTS,
      ),
    ).toEqual([]);
  });
});
