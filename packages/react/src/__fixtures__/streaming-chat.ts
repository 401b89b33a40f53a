// A chat that has sent "Go" (user message `u1`) and streams its answer into `a1`, and that answer:
// the start of the reducer tests that fold a server's events into one run.

import type { AgentChatState, AssistantChatMessage } from '../agent-chat-message.ts';
import { initialAgentChatState, reduceAgentChat } from '../reduce-agent-chat.ts';

/** The state right after the send: `a1` empty and streaming. */
export function streaming(): AgentChatState {
  return reduceAgentChat(initialAgentChatState(), {
    type: 'send',
    userId: 'u1',
    assistantId: 'a1',
    text: 'Go',
  });
}

/** The answer (`a1`, the second message) of `state`. */
export function answer(state: AgentChatState): AssistantChatMessage {
  const message = state.messages[1];
  if (message?.role !== 'assistant') throw new Error('no answer');
  return message;
}
