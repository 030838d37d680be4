import { DomainError, invalid } from '@parley/core';
import { discoveryDocument, type DiscoveryDocument } from '@parley/protocol';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/i;

/**
 * Checks a peer's base URL: HTTPS, or plain HTTP on a loopback address only (tests, demos, and
 * a node behind a reverse proxy on the same host). No credentials, query or fragment.
 */
export function checkPeerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('invalid_peer_url', `"${raw}" is not a URL. Give the peer node's base URL, such as https://parley.mfa.example.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid('invalid_peer_url', 'A peer URL carries no user name, password, query or fragment.');
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw invalid('insecure_peer_url', `Peers are reached over HTTPS; plain HTTP is allowed only on loopback addresses. Use https://${url.host}${url.pathname}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('invalid_peer_url', 'A peer URL starts with https://.');
  return url;
}

/** Fetches and validates a node's discovery document. */
export async function discover(raw: string, timeoutMs = 10_000): Promise<{ url: string; document: DiscoveryDocument }> {
  const url = checkPeerUrl(raw);
  const base = url.toString().replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}/.well-known/parley`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
  } catch (e) {
    throw new DomainError('unavailable', 'peer_unreachable', `Could not reach ${base}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}. Check the URL and that the node is running.`);
  }
  if (!res.ok) throw new DomainError('unavailable', 'peer_unreachable', `${base}/.well-known/parley answered ${res.status}; is this a Parley node?`);
  const parsed = discoveryDocument.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw invalid('not_a_parley_node', `${base} did not present a valid Parley discovery document.`);
  return { url: base, document: parsed.data };
}
