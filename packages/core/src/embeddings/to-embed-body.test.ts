import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Content } from '../wire/content.ts';
import {
  checkEmbedConfig,
  toEmbedContent,
  toGeminiApiBody,
  toVertexBody,
} from './to-embed-body.ts';

// The body of an embedding call, and the checks made before it is sent: what a user gives
// (`embedContent({ content, ...config })`) against what the Gemini API and Vertex AI read.

function thrown(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('toEmbedContent', () => {
  it('makes one text part of a string, and keeps parts or a Content as given', () => {
    expect(toEmbedContent('hello', 'content')).toEqual({ parts: [{ text: 'hello' }] });
    const parts = [{ text: 'a' }, { inlineData: { mimeType: 'image/png', data: 'AA==' } }];
    expect(toEmbedContent(parts, 'content').parts).toBe(parts);
    const content: Content = { role: 'user', parts: [{ text: 'b' }] };
    // The role is dropped: an embedding content has none on the wire.
    expect(toEmbedContent(content, 'content')).toEqual({ parts: [{ text: 'b' }] });
  });

  it('keeps the text of a string whole, emoji and lone surrogates included', () => {
    const text = `😀${'é'.repeat(10_000)}\ud83d`;
    expect(toEmbedContent(text, 'content')).toEqual({ parts: [{ text }] });
  });

  it('refuses empty input, naming the argument: "", blank text, no parts, an empty part', () => {
    for (const input of ['', ' \n\t ', [], [{ text: '  ' }, { text: '' }], { parts: [] }, [{}]]) {
      const error = thrown(() => toEmbedContent(input, 'requests[3].content'));
      expect(error.argument, JSON.stringify(input)).toBe('requests[3].content');
      expect(error.message).toMatch(/^requests\[3\]\.content is empty/);
    }
  });

  it('takes a blank text beside media: the media is something to embed', () => {
    const parts = [{ text: ' ' }, { fileData: { fileUri: 'files/x', mimeType: 'video/mp4' } }];
    expect(toEmbedContent(parts, 'content').parts).toEqual(parts);
  });

  it('refuses input that is no string, parts or Content, and says what it got', () => {
    for (const [input, got] of [
      [42, '42'],
      [true, 'true'],
      [null, 'null'],
      [undefined, 'undefined'],
    ] as const) {
      const error = thrown(() => toEmbedContent(input, 'content'));
      expect(error.message).toContain('must be a string, an array of parts or a Content');
      expect(error.message).toContain(`got ${got}`);
    }
  });

  it('refuses a Content whose parts are not a list of objects', () => {
    for (const input of [{ parts: 'text' }, { parts: [null] }, ['a'], [{ text: 'a' }, 3]]) {
      const error = thrown(() => toEmbedContent(input, 'content'));
      expect(error.message, JSON.stringify(input)).toContain('must hold an array of parts');
    }
  });

  it('answers with a typed error, not a TypeError, for a bigint, a symbol or a circular object', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    for (const input of [10n, Symbol('x'), circular, () => 'text']) {
      const error = thrown(() => toEmbedContent(input, 'content'));
      expect(error.message).toContain('must be a string, an array of parts or a Content');
    }
  });
});

describe('checkEmbedConfig', () => {
  const check = (config: object, model = 'gemini-embedding-2', platform = 'gemini-api' as const) =>
    checkEmbedConfig(config, model, platform, 'request');

  it('takes the documented settings', () => {
    expect(() =>
      check({ taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc', outputDimensionality: 768 }),
    ).not.toThrow();
    expect(() => check({})).not.toThrow();
  });

  it("takes outputDimensionality at both bounds of the model's range, refuses one past", () => {
    expect(() => check({ outputDimensionality: 1 })).not.toThrow();
    expect(() => check({ outputDimensionality: 3072 })).not.toThrow();
    const error = thrown(() =>
      check({ outputDimensionality: 3073 }, 'models/gemini-embedding-001'),
    );
    expect(error.argument).toBe('request.outputDimensionality');
    expect(error.message).toContain('from 1 to 3072');
    // The model is named without its models/ prefix.
    expect(error.message).toContain('the most gemini-embedding-001 returns');
    expect(error.message).toContain('got 3073');
  });

  it('names the value it refuses exactly: NaN and Infinity are not reported as null', () => {
    for (const [value, got] of [
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [0, '0'],
      [-5, '-5'],
      [1.5, '1.5'],
      // A number given as a string is told as one (leftovers82).
      ['768', 'the string "768"'],
    ] as const) {
      const error = thrown(() => check({ outputDimensionality: value }));
      expect(error.message, String(value)).toContain(`got ${got}`);
    }
  });

  it('refuses a bigint outputDimensionality with a typed error', () => {
    const error = thrown(() => check({ outputDimensionality: 768n }));
    expect(error.argument).toBe('request.outputDimensionality');
    expect(error.message).toContain('got 768');
  });

  it('caps an unknown model at the largest known size', () => {
    expect(() => check({ outputDimensionality: 3072 }, 'my-tuned-embedder')).not.toThrow();
    expect(() => check({ outputDimensionality: 3073 }, 'my-tuned-embedder')).toThrow(/1 to 3072/);
  });

  it('refuses an empty or non-string taskType, a non-string title, a non-boolean autoTruncate', () => {
    expect(thrown(() => check({ taskType: '' })).argument).toBe('request.taskType');
    expect(thrown(() => check({ taskType: 3 })).argument).toBe('request.taskType');
    expect(thrown(() => check({ title: 7 })).argument).toBe('request.title');
    expect(thrown(() => check({ autoTruncate: 'yes' }, 'm', 'vertex' as never)).argument).toBe(
      'request.autoTruncate',
    );
  });

  it('refuses the Vertex-only fields on the Gemini API, and takes them on Vertex', () => {
    for (const config of [
      { autoTruncate: true },
      { autoTruncate: false },
      { mimeType: 'text/plain' },
    ]) {
      const error = thrown(() => check(config));
      expect(error.message).toContain('is a Vertex AI field');
    }
    expect(() =>
      checkEmbedConfig(
        { autoTruncate: true, mimeType: 'text/plain' },
        'gemini-embedding-001',
        'vertex',
        'r',
      ),
    ).not.toThrow();
  });

  it("refuses mimeType for Vertex's :embedContent models, which read media from the parts", () => {
    const error = thrown(() =>
      checkEmbedConfig({ mimeType: 'image/png' }, 'models/gemini-embedding-2', 'vertex', 'request'),
    );
    expect(error.argument).toBe('request.mimeType');
    expect(error.message).toContain('give gemini-embedding-2 media as inlineData');
  });
});

describe('toGeminiApiBody', () => {
  const content = { parts: [{ text: 'a' }] };

  it('writes the model first when given (batch items carry it), then the set fields only', () => {
    expect(toGeminiApiBody(content, {})).toEqual({ content });
    const body = toGeminiApiBody(
      content,
      { taskType: 'RETRIEVAL_DOCUMENT', title: 'T', outputDimensionality: 256 },
      'models/gemini-embedding-2',
    );
    expect(Object.keys(body)).toEqual([
      'model',
      'content',
      'taskType',
      'title',
      'outputDimensionality',
    ]);
    expect(body['outputDimensionality']).toBe(256);
  });

  it('sends no Vertex-only field even if the config holds one', () => {
    const body = toGeminiApiBody(content, { autoTruncate: true, mimeType: 'text/plain' });
    expect(body).toEqual({ content });
  });
});

describe('toVertexBody', () => {
  const content = { parts: [{ text: 'a' }] };

  it('writes :embedContent bodies with embedContentConfig for gemini-embedding-2', () => {
    expect(toVertexBody(content, {}, 'gemini-embedding-2', 'request')).toEqual({ content });
    expect(
      toVertexBody(
        content,
        { taskType: 'CLASSIFICATION', outputDimensionality: 128, autoTruncate: false },
        'gemini-embedding-2',
        'request',
      ),
    ).toEqual({
      content,
      embedContentConfig: {
        taskType: 'CLASSIFICATION',
        outputDimensionality: 128,
        autoTruncate: false,
      },
    });
  });

  it("writes :predict's instances and parameters for gemini-embedding-001", () => {
    expect(
      toVertexBody(
        content,
        {
          taskType: 'RETRIEVAL_DOCUMENT',
          title: 'T',
          mimeType: 'text/plain',
          outputDimensionality: 8,
          autoTruncate: true,
        },
        'models/gemini-embedding-001',
        'request',
      ),
    ).toEqual({
      instances: [
        { content: 'a', task_type: 'RETRIEVAL_DOCUMENT', title: 'T', mimeType: 'text/plain' },
      ],
      parameters: { outputDimensionality: 8, autoTruncate: true },
    });
    expect(toVertexBody(content, {}, 'gemini-embedding-001', 'request')).toEqual({
      instances: [{ content: 'a' }],
    });
  });

  it('refuses media or several parts for a :predict model, pointing at gemini-embedding-2', () => {
    for (const parts of [
      [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }],
      [{ text: 'a' }, { text: 'b' }],
      [],
    ]) {
      const error = thrown(() => toVertexBody({ parts }, {}, 'gemini-embedding-001', 'items[2]'));
      expect(error.argument).toBe('items[2].content');
      expect(error.message).toContain('use gemini-embedding-2 for media');
    }
  });
});
