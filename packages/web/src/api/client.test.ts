import { describe, expect, it } from 'vitest';
import { messages as t } from '../i18n/index.js';
import { ApiError, describeError } from './client.js';

describe('describeError', () => {
  it('says an address whose id is none (/consultations/not-an-id) has no page, not that it is no identifier of the API', () => {
    expect(describeError(new ApiError(400, 'invalid_id', '"not-an-id" is not an identifier of this API.'))).toBe(
      'There is no page at this address. Check the address, or go to the home page.',
    );
  });

  it('gives the node’s own sentence for any other problem', () => {
    expect(describeError(new ApiError(404, 'consultation_not_found', 'No such consultation on this node.'))).toBe('No such consultation on this node.');
    expect(describeError(new Error('boom'))).toBe(t.errors.unexpected);
  });
});
