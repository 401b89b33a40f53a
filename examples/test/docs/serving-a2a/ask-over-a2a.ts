import { type Message, Role, type Task } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';

// docs/serving-a2a.md: the A2A SDK's own client asks the served agent, then streams a follow-up
// in the same context.

/** A user message of text; `contextId` continues a conversation. */
function textMessage(text: string, contextId = ''): Message {
  return {
    messageId: crypto.randomUUID(),
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: {}, filename: '', mediaType: '' }],
    contextId,
    taskId: '',
    metadata: {},
    extensions: [],
    referenceTaskIds: [],
  };
}

const answerOf = (task: Task) =>
  task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

export async function askOverA2A(baseUrl: string, key: string) {
  // Every request carries the caller's key, the card's included.
  const fetchWithKey: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${key}`);
    return fetch(input, { ...init, headers });
  };
  const client = await new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWithKey })],
  }).createFromUrl(baseUrl);

  // SendMessage: the task, once it is done.
  const request = { message: textMessage('Where is order A-7?'), configuration: undefined };
  const task = (await client.sendMessage({ ...request, metadata: {}, tenant: '' })) as Task;

  // SendStreamingMessage in the same context: the answer arrives in chunks.
  let streamed = '';
  const followUp = textMessage('When does it arrive?', task.contextId);
  for await (const event of client.sendMessageStream({
    message: followUp,
    configuration: undefined,
    metadata: {},
    tenant: '',
  })) {
    const payload = event.payload;
    if (payload?.$case === 'artifactUpdate' && !payload.value.lastChunk) {
      for (const part of payload.value.artifact?.parts ?? []) {
        if (part.content?.$case === 'text') streamed += part.content.value;
      }
    }
  }
  return { status: answerOf(task), arrival: streamed };
}
