import { DomainError, logLookupResponse, type PeerLogReader } from '@parley/core';
import { discoveryDocument, LOG_PATHS, WITNESS_PATHS } from '@parley/protocol';
import { z } from 'zod';
import { BodyTooLarge, readBounded } from './bounded-body.js';

const MAX_BYTES = 1024 * 1024;
const inclusion = z.object({ leafHash: z.string(), proof: z.array(z.string()).max(64) });

/**
 * A peer's public log over HTTP (protocol §9.4), for proof bundles. Everything it returns is
 * checked again by whoever verifies the bundle; here only form and size are bounded.
 */
export function httpPeerLog(baseUrl: string, timeoutMs = 10_000): PeerLogReader {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async (path: string, as: 'json' | 'text'): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (e) {
      throw new DomainError('unavailable', 'peer_unreachable', `Could not reach ${base} to fetch its log (${(e as Error).message}). Try again later.`);
    }
    let text: string;
    try {
      text = (await readBounded(res, MAX_BYTES)).toString('utf8');
    } catch (e) {
      if (e instanceof BodyTooLarge) throw new DomainError('unavailable', 'peer_log_invalid', `${base}${path.split('?')[0]} answered with too much data.`);
      throw new DomainError('unavailable', 'peer_unreachable', `${base}${path.split('?')[0]} broke off its answer (${(e as Error).message}). Try again later.`);
    }
    if (!res.ok) {
      let detail = '';
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? '';
      } catch {
        // not a problem document
      }
      throw new DomainError('unavailable', 'peer_log_unavailable', `${base}${path.split('?')[0]} answered ${res.status}${detail ? `: ${detail}` : ''}`);
    }
    if (as === 'text') return text;
    try {
      return JSON.parse(text);
    } catch {
      throw new DomainError('unavailable', 'peer_log_invalid', `${base}${path.split('?')[0]} did not answer JSON.`);
    }
  };
  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new DomainError('unavailable', 'peer_log_invalid', `${base} sent ${what} that is not valid.`);
    return parsed.data;
  };
  return {
    async describe() {
      const doc = parse(discoveryDocument, await get('/.well-known/parley', 'json'), 'a discovery document');
      if (!doc.log) throw new DomainError('unavailable', 'peer_log_invalid', `${base} does not publish a transparency log.`);
      return doc.log;
    },
    async checkpoint(minSize) {
      // With the cosignatures the peer holds (§9.5), where it serves them; else its plain checkpoint.
      try {
        return (await get(`${WITNESS_PATHS.cosignedCheckpoint}?minSize=${minSize}`, 'text')) as string;
      } catch {
        return (await get(LOG_PATHS.checkpoint, 'text')) as string;
      }
    },
    async lookup(hash) {
      const body = parse(logLookupResponse, await get(`${LOG_PATHS.lookup}?hash=${encodeURIComponent(hash)}`, 'json'), 'log entries');
      return body.entries.map((e) => ({ index: e.index, data: e.data }));
    },
    async inclusion(index, size) {
      return parse(inclusion, await get(`${LOG_PATHS.inclusion}?index=${index}&size=${size}`, 'json'), 'an inclusion proof').proof;
    },
  };
}
