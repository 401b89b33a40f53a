import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { checkVertexOptions, vertexBaseUrl, vertexRoot } from './vertex-options.ts';

describe('checkVertexOptions', () => {
  it('takes a project id, number or domain-scoped id and a region or global', () => {
    for (const project of ['my-project-123', '123456789012', 'example.com:my-project']) {
      for (const location of ['us-central1', 'europe-west4', 'global']) {
        expect(checkVertexOptions({ project, location })).toEqual({
          project,
          location,
          getAccessToken: undefined,
        });
      }
    }
  });

  it('refuses a project or location that could change the URL path, naming the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ project: 'a/b', location: 'us-central1' }, /vertex\.project must be/],
      [{ project: '../x', location: 'us-central1' }, /vertex\.project must be/],
      [{ project: 'p?x=1', location: 'us-central1' }, /vertex\.project must be/],
      [{ project: '', location: 'us-central1' }, /vertex\.project/],
      [{ project: 'p', location: 'US-CENTRAL1' }, /vertex\.location must be a region/],
      [{ project: 'p', location: 'us-central1/x' }, /vertex\.location must be a region/],
      [{ project: 'p', location: '1us' }, /vertex\.location must be a region/],
      [{ project: 'p' }, /vertex\.location/],
      [{ location: 'global' }, /vertex\.project/],
      [
        { project: 'p', location: 'global', getAccessToken: 'token' },
        /getAccessToken must be a function/,
      ],
    ];
    for (const [vertex, message] of bad) {
      expect(() => checkVertexOptions(vertex), JSON.stringify(vertex)).toThrow(message);
    }
  });

  it('refuses a vertex that is not an object, and unknown fields', () => {
    for (const vertex of [null, 'my-project', [], 42]) {
      expect(() => checkVertexOptions(vertex)).toThrow(InvalidArgumentError);
    }
    expect(() => checkVertexOptions({ project: 'p', location: 'global', region: 'x' })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('vertexBaseUrl and vertexRoot', () => {
  it('uses the regional host, and the global host for global', () => {
    expect(vertexBaseUrl('us-central1')).toBe('https://us-central1-aiplatform.googleapis.com');
    expect(vertexBaseUrl('global')).toBe('https://aiplatform.googleapis.com');
  });

  it('roots model paths under the publisher models of the project and location', () => {
    expect(
      vertexRoot('https://aiplatform.googleapis.com', 'v1', {
        project: 'p',
        location: 'global',
        getAccessToken: undefined,
      }),
    ).toBe('https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/');
  });
});
