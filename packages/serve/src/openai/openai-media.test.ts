import { turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  countingServer,
  PDF,
  PNG,
  lastRequestUserParts as userParts,
  WAV,
} from '../door/__fixtures__/media-samples.ts';
import { MAX_MEDIA_PARTS } from '../door/read-media-part.ts';
import { postRaw, serveOpenAI } from './__fixtures__/serve-openai.ts';

// A caller's images, audio and files through the OpenAI door, sent by the official `openai`
// client: each reaches the fake Gemini as an `inlineData` part of the user's turn, in order,
// beside its text; what Gemini would refuse, or what the door must not do (fetch a URL), is a 400
// naming the field, before any model call.

const model = 'support-agent';

/** What the `openai` client threw, as its status, param and code. */
async function refusal(request: Promise<unknown>) {
  const error = await request.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  const apiError = error as InstanceType<typeof OpenAI.APIError>;
  return {
    status: apiError.status,
    param: apiError.param,
    code: apiError.code,
    message: apiError.message,
  };
}

describe('OpenAI door: media in Chat Completions', () => {
  it('sends image_url, input_audio and file as inlineData parts in order, beside the text', async () => {
    const { client, fake } = await serveOpenAI([turn.text('A cat, a beep, a form.')]);
    const completion = await client().chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in ' },
            { type: 'text', text: 'these?' },
            {
              type: 'image_url',
              image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' },
            },
            { type: 'input_audio', input_audio: { data: WAV, format: 'wav' } },
            { type: 'text', text: 'And the form:' },
            {
              type: 'file',
              file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'form.pdf' },
            },
          ],
        },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('A cat, a beep, a form.');
    expect(userParts(fake.requests)).toEqual([
      [
        { text: 'What is in these?' },
        { inlineData: { mimeType: 'image/png', data: PNG } },
        { inlineData: { mimeType: 'audio/wav', data: WAV } },
        { text: 'And the form:' },
        { inlineData: { mimeType: 'application/pdf', data: PDF } },
      ],
    ]);
  });

  it('streams the answer to a message with an image, the image sent as on a unary completion', async () => {
    const { client, fake } = await serveOpenAI([turn.text('A dot.')]);
    const stream = await client().chat.completions.create({
      model,
      stream: true,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('A dot.');
    expect(userParts(fake.requests)).toEqual([
      [{ inlineData: { mimeType: 'image/png', data: PNG } }, { text: 'What is this?' }],
    ]);
  });

  it('keeps a text-only message one text part, as before', async () => {
    const { client, fake } = await serveOpenAI([turn.text('Hi.')]);
    await client().chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    expect(userParts(fake.requests)).toEqual([[{ text: 'ab' }]]);
  });

  it('never fetches a remote image URL: 400 naming the field, and nothing reached the address', async () => {
    const internal = await countingServer();
    const { client, fake } = await serveOpenAI([turn.text('never')]);
    for (const url of [
      internal.url,
      'http://169.254.169.254/latest/meta-data/',
      'https://example.com/cat.png',
    ]) {
      const refused = await refusal(
        client().chat.completions.create({
          model,
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Look:' },
                { type: 'image_url', image_url: { url } },
              ],
            },
          ],
        }),
      );
      expect(refused).toMatchObject({
        status: 400,
        param: 'messages[2].content[1].image_url.url',
        code: 'unsupported_value',
      });
      expect(refused.message).toContain('data URL');
    }
    expect(internal.hits.count).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [
      'a text/html image',
      { type: 'image_url', image_url: { url: 'data:text/html;base64,PGI+' } },
      'image_url.url',
      'text/html',
    ],
    [
      'bad base64',
      { type: 'image_url', image_url: { url: 'data:image/png;base64,not base64!' } },
      'image_url.url',
      'base64',
    ],
    [
      'a data URL not base64',
      { type: 'image_url', image_url: { url: 'data:image/png,raw' } },
      'image_url.url',
      'data URL',
    ],
    [
      'an ogg input_audio',
      { type: 'input_audio', input_audio: { data: WAV, format: 'ogg' } },
      'input_audio.format',
      'wav',
    ],
    ['a file_id', { type: 'file', file: { file_id: 'file-abc' } }, 'file.file_id', 'stored file'],
    [
      'an executable file',
      { type: 'file', file: { file_data: `data:application/x-msdownload;base64,${PDF}` } },
      'file.file_data',
      'PDF',
    ],
  ])('refuses %s with a 400 naming the field', async (_name, part, field, words) => {
    const { baseURL, fake } = await serveOpenAI([turn.text('never')]);
    const { status, text } = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({
        model,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, part] }],
      }),
    );
    expect(status).toBe(400);
    const { error } = JSON.parse(text) as {
      error: { param: string; message: string; type: string };
    };
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(`messages[0].content[1].${field}`);
    expect(error.message).toContain(words);
    expect(fake.requests).toHaveLength(0);
  });

  it(`refuses more than ${MAX_MEDIA_PARTS} media parts in one request`, async () => {
    const { client, fake } = await serveOpenAI([turn.text('never')]);
    const image = {
      type: 'image_url' as const,
      image_url: { url: `data:image/png;base64,${PNG}` },
    };
    const refused = await refusal(
      client().chat.completions.create({
        model,
        messages: [
          { role: 'user', content: Array.from({ length: MAX_MEDIA_PARTS + 1 }, () => image) },
        ],
      }),
    );
    expect(refused).toMatchObject({ status: 400, param: 'messages' });
    expect(fake.requests).toHaveLength(0);
  });

  it('holds the body limit: an image past maxBodyBytes is a 413', async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('never')], {
      handler: { maxBodyBytes: 64 * 1024 },
    });
    const big = 'A'.repeat(128 * 1024);
    const { status } = await postRaw(
      baseURL,
      '/chat/completions',
      JSON.stringify({
        model,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${big}` } }],
          },
        ],
      }),
    );
    expect(status).toBe(413);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OpenAI door: media in Responses', () => {
  it('sends input_image and input_file as inlineData, and a continuation sends them again', async () => {
    const { client, fake } = await serveOpenAI([turn.text('A cat.'), turn.text('Yes, a PDF.')]);
    const first = await client().responses.create({
      model,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
            {
              type: 'input_file',
              file_data: `data:application/pdf;base64,${PDF}`,
              filename: 'a.pdf',
            },
          ],
        },
      ],
    });
    expect(first.output_text).toBe('A cat.');
    const sent = [
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { inlineData: { mimeType: 'application/pdf', data: PDF } },
    ];
    expect(userParts(fake.requests)).toEqual([sent]);
    await client().responses.create({
      model,
      previous_response_id: first.id,
      input: 'Was the file a PDF?',
    });
    expect(userParts(fake.requests)).toEqual([sent, [{ text: 'Was the file a PDF?' }]]);
  });

  it('refuses an input_image file_id and a remote URL with a 400 naming the field', async () => {
    const internal = await countingServer();
    const { client, fake } = await serveOpenAI([turn.text('never')]);
    const byId = await refusal(
      client().responses.create({
        model,
        input: [
          { role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] },
        ],
      }),
    );
    expect(byId).toMatchObject({ status: 400, param: 'input[0].content[0].file_id' });
    const remote = await refusal(
      client().responses.create({
        model,
        input: [
          {
            role: 'user',
            content: [{ type: 'input_image', image_url: internal.url, detail: 'auto' }],
          },
        ],
      }),
    );
    expect(remote).toMatchObject({ status: 400, param: 'input[0].content[0].image_url' });
    const fileUrl = await refusal(
      client().responses.create({
        model,
        input: [{ role: 'user', content: [{ type: 'input_file', file_url: internal.url }] }],
      }),
    );
    expect(fileUrl).toMatchObject({ status: 400, param: 'input[0].content[0].file_url' });
    expect(internal.hits.count).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('OpenAI door: media and telemetry', () => {
  it('no span attribute holds the image bytes, even with content recorded: the blob is named by type', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { client } = await serveOpenAI([turn.text('Seen.')], {
      agent: { telemetry: { tracerProvider, recordContent: true, conventions: 'latest' } },
      handler: { tracerProvider },
    });
    // 48 KB of base64, a run no attribute would hold by chance.
    const data = 'QUJD'.repeat(12 * 1024);
    await client().chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${data}` } },
          ],
        },
      ],
    });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toContain('generate_content gemini-2.5-flash');
    const attributes = JSON.stringify(spans.map((span) => span.attributes));
    expect(attributes).not.toContain('QUJDQUJD');
    expect(attributes.length).toBeLessThan(20_000);
    const call = spans.find((span) => span.name.startsWith('generate_content'));
    expect(JSON.parse(call?.attributes['gen_ai.input.messages'] as string)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is this?' },
          { type: 'blob', modality: 'image', mime_type: 'image/png' },
        ],
      },
    ]);
  });
});
