import { isJsonObject } from '@gemloop/core/internal';
import { issueFakeSignature } from '../contract/fake-signatures.ts';
import type { FakeInteraction, FakeReply, FakeState } from '../state/fake-state.ts';
import type { FakeWebhookDelivery } from '../state/fake-webhook.ts';
import { createSeededRandom, hashString } from '../state/seeded-random.ts';
import { deliverInteractionWebhooks } from './fake-webhooks.ts';
import { generateFakeReply } from './generate-fake-reply.ts';
import { toInteractionTools, toMediaContent } from './to-interaction-contents.ts';
import { writeInteractionEvents } from './write-interaction-events.ts';

// An interaction's model turn is the same scripted turn a `generateContent` request gets (the
// same script, faults and contract checks), mapped to the steps schema's steps.

type Json = Record<string, unknown>;

/**
 * Runs the pending request of an interaction: the script answers, mapped to steps and events.
 * Returns the failed call's reply, or `undefined` once the interaction holds its answer.
 * @internal
 */
export async function runFakeInteraction(
  state: FakeState,
  interaction: FakeInteraction,
): Promise<FakeReply | undefined> {
  const pending = interaction.pending;
  if (pending === undefined) return undefined;
  interaction.pending = undefined;
  const { body, recorded, apiVersion } = pending;
  const model = interaction.model ?? 'gemini-3-pro-preview';
  interaction.requestContents = interaction.contents;
  const request: Json = { contents: interaction.contents };
  if (typeof body['continuation_token'] === 'string')
    request['continuationToken'] = body['continuation_token'];
  const tools = toInteractionTools(body['tools']);
  if (tools.length > 0) request['tools'] = tools;
  if (typeof body['system_instruction'] === 'string') {
    request['systemInstruction'] = { parts: [{ text: body['system_instruction'] }] };
  }
  const reply = await generateFakeReply(state, {
    route: {
      apiVersion,
      model,
      method: 'generateContent',
      stream: false,
      alt: undefined,
      query: new URLSearchParams(),
    },
    model,
    body: request,
    recorded,
    errorStyle: 'json',
  });
  if (reply.status !== 200) {
    interaction.status = 'failed';
    return reply;
  }
  const parsed = JSON.parse(reply.pieces.join('')) as Json;
  const candidate = (parsed['candidates'] as Json[] | undefined)?.[0];
  const content = (candidate?.['content'] as Json | undefined) ?? { role: 'model', parts: [] };
  const steps: Json[] = [];
  if (interaction.agent !== undefined) {
    // The scripted built-in agent's progress before its report (Deep Research plans, searches,
    // reads, then writes), as thought summaries and a search step.
    const question = lastUserText(interaction.contents) ?? '';
    steps.push(
      {
        type: 'thought',
        // Signed as the API signs every thought step ("Always present, even when the model
        // performs minimal reasoning": ai.google.dev/gemini-api/docs/interactions/thinking); it
        // had none, so a client that lost a signature passed here. Issued from the
        // interaction's id, not the fake's seeded random, so the model turns' signatures and
        // ids after it stay what they were.
        signature: issueFakeSignature(
          createSeededRandom(hashString(interaction.id)),
          interaction.agent,
        ),
        summary: [{ type: 'text', text: `Planning research on: ${question}` }],
      },
      { type: 'google_search_call', id: 'search-1', arguments: { queries: [question] } },
      {
        type: 'google_search_result',
        call_id: 'search-1',
        result: [{ title: 'Fake source', url: 'https://example.com/fake-source' }],
      },
    );
  }
  // Steps in the order the model made them, as the API lists them (thoughts "appear
  // chronologically alongside function calls, user inputs or model outputs": ai.google.dev/
  // gemini-api/docs/interactions/thinking): text written before a thought or a call is its own
  // `model_output` step before it.
  let output: Json[] = [];
  const flush = (): void => {
    if (output.length > 0) steps.push({ type: 'model_output', content: output });
    output = [];
  };
  for (const part of (content['parts'] as Json[] | undefined) ?? []) {
    if (part['thought'] === true) {
      flush();
      steps.push({
        type: 'thought',
        signature: part['thoughtSignature'],
        summary:
          typeof part['text'] === 'string' ? [{ type: 'text', text: part['text'] }] : undefined,
      });
    } else if (isJsonObject(part['functionCall'])) {
      const call = part['functionCall'];
      flush();
      steps.push({
        type: 'function_call',
        id: typeof call['id'] === 'string' ? call['id'] : `call-${steps.length}`,
        name: call['name'],
        arguments: call['args'] ?? {},
        ...(typeof part['thoughtSignature'] === 'string'
          ? { signature: part['thoughtSignature'] }
          : {}),
      });
    } else {
      // A text's or an image's own signature (the automatic one on a Gemini 3 turn's last text)
      // is the reasoning behind the output: the API answers it as a `thought` step before the
      // `model_output` ("Every thought step contains ... `signature` ... Always present",
      // ai.google.dev/gemini-api/docs/interactions/thinking); a `model_output` has no field for
      // it (`@google/genai` 2.32.0 `ModelOutputStep`). It was dropped, so a stateless client
      // that lost it passed here and failed on the API.
      const signature = part['thoughtSignature'];
      if (typeof signature === 'string' && signature !== '') {
        steps.push({ type: 'thought', signature });
      }
      const last = output.at(-1);
      if (typeof part['text'] === 'string') {
        if (last?.['type'] === 'text') last['text'] = `${last['text'] as string}${part['text']}`;
        else if (part['text'] !== '') output.push({ type: 'text', text: part['text'] });
      } else {
        // An image the script has the model write (Gemini 3 Pro Image), as the API's content.
        const media = toMediaContent(part);
        if (media !== undefined) output.push(media);
      }
    }
  }
  flush();
  const usage = parsed['usageMetadata'] as Json | undefined;
  interaction.usage = {
    total_input_tokens: usage?.['promptTokenCount'] ?? 0,
    total_output_tokens: usage?.['candidatesTokenCount'] ?? 0,
    total_thought_tokens: usage?.['thoughtsTokenCount'] ?? 0,
    total_tokens: usage?.['totalTokenCount'] ?? 0,
    // Reported as the API reports them (`@google/genai` 2.32.0 `Usage`), when there are any.
    ...(usage?.['cachedContentTokenCount'] === undefined
      ? {}
      : { total_cached_tokens: usage['cachedContentTokenCount'] }),
    ...(usage?.['toolUsePromptTokenCount'] === undefined
      ? {}
      : { total_tool_use_tokens: usage['toolUsePromptTokenCount'] }),
  };
  interaction.steps = steps;
  const token = candidate?.['continuationToken'];
  if (candidate?.['finishReason'] === 'CONTINUATION' && typeof token === 'string') {
    // Stopped at the per-request decode limit: resumed by a create with this token.
    interaction.status = 'requires_continuation';
    interaction.continuationToken = token;
  } else {
    interaction.contents = [...interaction.contents, content];
    interaction.status = steps.some((step) => step['type'] === 'function_call')
      ? 'requires_action'
      : 'completed';
  }
  writeInteractionEvents(state, interaction);
  return undefined;
}

/** A background interaction finishes on the `get` after `backgroundPolls` gets. @internal */
export async function advanceFakeInteraction(
  state: FakeState,
  interaction: FakeInteraction,
): Promise<void> {
  if (interaction.pending === undefined) return;
  if (state.options.interactions?.holdBackground?.(interaction.id) === true) return;
  if (interaction.pollsLeft > 0) {
    interaction.pollsLeft--;
    return;
  }
  await finishFakeInteraction(state, interaction);
}

/**
 * Runs a background interaction's pending request now and delivers its webhooks (not awaited: a
 * receiver that polls the fake back must not wait on the poll that finished it).
 * @internal
 */
export async function finishFakeInteraction(
  state: FakeState,
  interaction: FakeInteraction,
): Promise<{ deliveries: Promise<FakeWebhookDelivery[]> }> {
  if (interaction.pending === undefined) return { deliveries: Promise.resolve([]) };
  await runFakeInteraction(state, interaction);
  return { deliveries: deliverInteractionWebhooks(state, interaction) };
}

function lastUserText(contents: Json[]): string | undefined {
  for (let at = contents.length - 1; at >= 0; at--) {
    const content = contents[at] as Json;
    if (content['role'] !== 'user') continue;
    for (const part of (content['parts'] as Json[] | undefined) ?? []) {
      if (typeof part['text'] === 'string') return part['text'];
    }
  }
  return undefined;
}
