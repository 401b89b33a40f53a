import OpenAI from 'openai';

// docs/serving-openai-compatible.md: the official `openai` client talking to the agent.

export async function askAboutAnOrder(baseURL: string, apiKey: string) {
  const openai = new OpenAI({ baseURL, apiKey });

  // Responses: each answer is a turn of a conversation the server keeps.
  const first = await openai.responses.create({
    model: 'support-agent',
    input: 'Where is order A-7?',
  });
  const next = await openai.responses.create({
    model: 'support-agent',
    input: 'And when does it arrive?',
    previous_response_id: first.id,
  });

  // Chat Completions, streamed: the caller sends the conversation each time. Sampling and length
  // fields set this request's run's generationConfig, over the agent's.
  const stream = await openai.chat.completions.create({
    model: 'support-agent',
    messages: [{ role: 'user', content: 'Where is order B-2?' }],
    stream: true,
    temperature: 0.2,
    max_tokens: 4096,
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';

  return { first: first.output_text, next: next.output_text, streamed };
}
