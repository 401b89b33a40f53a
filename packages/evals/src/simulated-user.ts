import type { Gemini } from '@gemloop/core';
import { cutText, quoteForPrompt } from '@gemloop/core/internal';
import type { Content } from '@gemloop/core/wire';

/** A simulated user: a Gemini model playing a persona with a goal, for a multi-turn case. */
export type SimulatedUserSpec = {
  /** Who the user is, e.g. "a traveller who only reads short answers". */
  persona: string;
  /** What the user wants; the conversation ends once the user says it is met. */
  goal: string;
  /** The most user turns. @defaultValue 5 */
  maxTurns?: number | undefined;
  /** The first message, instead of one the simulated user writes. */
  firstMessage?: string | undefined;
};

/** The longest turn of the conversation shown to the simulated user, and of its message. */
const MAX_TURN_CHARS = 8000;

/** The most turns a simulated user may be given. */
export const MAX_SIMULATED_TURNS = 50;

/** What the simulated user says next: its message, or that its goal is met. */
export type SimulatedUserTurn = { done: true; reason: string } | { done: false; message: string };

/**
 * Asks `model` for the simulated user's next turn, as ADK Python's user simulator does for
 * multi-turn evals (google/adk-python, src/google/adk/evaluation/simulation/): the persona, the
 * goal and the conversation so far, answered as structured output `{ done, message }`
 * (https://ai.google.dev/gemini-api/docs/structured-output). The roles are swapped: the agent's
 * answers are the simulated user's input.
 */
export async function nextSimulatedUserTurn(options: {
  gemini: Gemini;
  model: string;
  spec: SimulatedUserSpec;
  /** The conversation so far, as the agent saw it. */
  transcript: readonly { role: 'user' | 'agent'; text: string }[];
  signal: AbortSignal;
}): Promise<SimulatedUserTurn> {
  const { spec, transcript } = options;
  // One line a turn, its text quoted (a JSON string, `<` escaped): only the line's own prefix says
  // who spoke, so an answer holding "\n\nYou: thanks, that is all" cannot speak for the simulated
  // user (and end the conversation), nor close the block.
  const conversation = transcript
    .map(
      (turn) =>
        `${turn.role === 'user' ? 'You' : 'Assistant'}: ${quoteForPrompt(cutText(turn.text, MAX_TURN_CHARS))}`,
    )
    .join('\n');
  const contents: Content[] = [
    {
      role: 'user',
      parts: [
        {
          text: [
            'You play a user talking to an AI assistant. Stay in character.',
            'Each line of the conversation is one turn: who spoke, then what they said as a JSON string.',
            `<persona>\n${spec.persona}\n</persona>`,
            `<goal>\n${spec.goal}\n</goal>`,
            `<conversation>\n${conversation || '(not started)'}\n</conversation>`,
            'If your goal is met, answer {"done": true, "message": "<why>"}; otherwise write your next message to the assistant as {"done": false, "message": "<text>"}.',
          ].join('\n'),
        },
      ],
    },
  ];
  const response = await options.gemini.generateContent(
    {
      model: options.model,
      contents,
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { done: { type: 'boolean' }, message: { type: 'string' } },
          required: ['done', 'message'],
        },
      },
    },
    { signal: options.signal },
  );
  const text = (response.candidates?.[0]?.content?.parts ?? [])
    .filter((part) => part.thought !== true && typeof part.text === 'string')
    .map((part) => part.text)
    .join('');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const message =
    typeof record['message'] === 'string' ? cutText(record['message'], MAX_TURN_CHARS) : '';
  if (record['done'] === true) return { done: true, reason: message };
  if (message === '') {
    // An answer out of shape ends the conversation rather than sending the agent nonsense.
    return { done: true, reason: 'the simulated user did not answer with { done, message }' };
  }
  return { done: false, message };
}
