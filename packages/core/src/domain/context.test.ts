import { describe, expect, it } from 'vitest';
import { AuthCache } from './context.js';
import type { UserRecord } from './ports.js';

const user = { id: 'u1', email: 'a@b.example', role: 'viewer', status: 'active' } as UserRecord;
const now = new Date('2026-01-01T00:00:00Z');

describe('AuthCache', () => {
  it('remembers an entry until its time is up', () => {
    const cache = new AuthCache(1000);
    cache.set('k', { user }, now, cache.generation);
    expect(cache.get('k', new Date(now.getTime() + 999))?.user).toBe(user);
    expect(cache.get('k', new Date(now.getTime() + 1000))).toBeUndefined();
  });

  it('forgets everything on clear', () => {
    const cache = new AuthCache();
    cache.set('k', { user }, now, cache.generation);
    cache.clear();
    expect(cache.get('k', now)).toBeUndefined();
  });

  it('refuses what a lookup read before a clear, so a revocation cannot be undone by a race', () => {
    const cache = new AuthCache();
    const before = cache.generation;
    cache.clear();
    cache.set('k', { user }, now, before);
    expect(cache.get('k', now)).toBeUndefined();
  });

  it('drops a cached session once the session itself expires', () => {
    const cache = new AuthCache(60_000);
    const session = { idHash: 'h', userId: 'u1', csrfToken: 'c', createdAt: now, expiresAt: new Date(now.getTime() + 10) };
    cache.set('k', { user, session }, now, cache.generation);
    expect(cache.get('k', new Date(now.getTime() + 10))).toBeUndefined();
  });
});
