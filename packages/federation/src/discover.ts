import { DomainError, invalid } from '@parley/core';
import { discoveryDocument, type DiscoveryDocument } from '@parley/protocol';
import { BodyTooLarge, readBoundedJson } from './bounded-body.js';

/** A discovery document is a few hundred bytes; a larger answer is not one. */
const MAX_DISCOVERY_BYTES = 64 * 1024;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/i;

/**
 * The paths a node serves under its base address, by their first segment: a URL with one of them
 * in its path was copied from somewhere inside a node (its API, its discovery document), not the
 * node's own address. A path before them is kept, for a node behind a proxy under a path.
 */
const NODE_PATHS: Record<string, string> = {
  '.well-known': 'discovery document',
  api: 'API',
  federation: 'federation endpoints',
  log: 'transparency log',
};

/**
 * Checks a peer's base URL: HTTPS, or plain HTTP on a loopback address only (tests, demos, and
 * a node behind a reverse proxy on the same host). No credentials, query or fragment.
 */
export function checkPeerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // A host name alone, as people say an address aloud: name the URL it most likely stands for.
    const bare = /^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(:\d+)?(\/.*)?$/i.test(raw.trim()) ? `https://${raw.trim()}` : null;
    throw invalid(
      'invalid_peer_url',
      bare
        ? `"${raw}" is not a URL: it does not start with https://. If the node is there, give ${bare}`
        : `"${raw}" is not a URL. Give the peer node's base URL, such as https://parley.mfa.example.`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid('invalid_peer_url', 'A peer URL carries no user name, password, query or fragment.');
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw invalid('insecure_peer_url', `Peers are reached over HTTPS; plain HTTP is allowed only on loopback addresses. Use https://${url.host}${url.pathname}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('invalid_peer_url', 'A peer URL starts with https://.');
  const segments = url.pathname.split('/');
  const at = segments.findIndex((segment, i) => i > 0 && Object.hasOwn(NODE_PATHS, segment));
  if (at > 0) {
    const base = `${url.origin}${segments.slice(0, at).join('/')}`;
    throw invalid('invalid_peer_url', `${url.href} is the address of a node's ${NODE_PATHS[segments[at]!]}, not of the node itself. Give the node's base address instead: ${base}`);
  }
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
    throw new DomainError('unavailable', 'peer_unreachable', unreachable(base, url, e));
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new DomainError('unavailable', 'peer_unreachable', `${base}/.well-known/parley answered ${res.status}; is this a Parley node?${withoutPath(url)}`);
  }
  let body: unknown;
  try {
    body = await readBoundedJson(res, MAX_DISCOVERY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLarge) throw invalid('not_a_parley_node', `${base}/.well-known/parley ${e.message}, far more than a discovery document; is this a Parley node?`);
    throw new DomainError('unavailable', 'peer_unreachable', `${base} broke off its answer (${(e as Error).message}). Try again, or check the URL.`);
  }
  const parsed = discoveryDocument.safeParse(body);
  if (!parsed.success) throw invalid('not_a_parley_node', `${base} did not present a valid Parley discovery document.${withoutPath(url)}`);
  return { url: base, document: parsed.data };
}

/** For a URL with a path, where no node answered: most nodes are at an address without one. */
function withoutPath(url: URL): string {
  return url.pathname === '/' ? '' : ` A node's address is most often its base address, without a path: try ${url.origin}`;
}

/** Why fetch could not reach a peer, in words: OpenSSL's own text says little to an administrator. */
function unreachable(base: string, url: URL, e: unknown): string {
  const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as NodeJS.ErrnoException) : (e as NodeJS.ErrnoException);
  if (cause.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || cause.code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || cause.code === 'ERR_SSL_HTTP_REQUEST') {
    return `Could not reach ${base}: it does not speak HTTPS on port ${url.port || 443} (is it plain HTTP?). Check the URL with the peer's administrators.`;
  }
  if (cause.code === 'ENOTFOUND') return `Could not reach ${base}: no such host as ${url.hostname}. Check the URL.`;
  // The fetch standard's blocked ports (6000, 6665-6669, 10080, …): fetch refuses them before connecting, as browsers do.
  if (cause.message === 'bad port') {
    return `Could not reach ${base}: port ${url.port} is one that browsers and Node.js refuse to connect to, so no node can be reached on it. The node must listen on another port.`;
  }
  if (cause.code === 'ECONNREFUSED') return `Could not reach ${base}: nothing answers on port ${url.port || (url.protocol === 'https:' ? 443 : 80)}. Check the URL and that the node is running.`;
  // OpenSSL appends where in its sources it failed; the reason before that is what matters.
  const message = (cause.message ?? String(e)).replace(/^[0-9A-F]+:error:[0-9A-F]+:[^:]+:[^:]+:([^:]+):.*$/s, '$1');
  return `Could not reach ${base}: ${message}. Check the URL and that the node is running.`;
}
