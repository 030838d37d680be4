import { announceKeyRotation, type Actor, type DomainContext, type NodeSelf, type RequestMeta, type Store } from '@parley/core';
import { fingerprint, generateNodeKeyPair, rawPublicKey } from '@parley/protocol';
import type { DataDir } from '@parley/store';

/**
 * Rotates the node's key. The new key is written first, the announcements (signed with the old
 * key) and an audit entry commit together, and only then does the new key become current; a
 * crash in between is settled at the next start by `settleKeyRotation`.
 */
export async function rotateNodeKey(
  dataDir: DataDir,
  domain: DomainContext & { self: NodeSelf },
  actor: Actor,
  meta: RequestMeta,
): Promise<{ previous: string; current: string; peers: number }> {
  const next = generateNodeKeyPair();
  const nextFingerprint = fingerprint(next.publicKey);
  await dataDir.writeNextKey(next);
  let peers: number;
  try {
    peers = await domain.store.transaction((tx) =>
      announceKeyRotation(tx, domain, actor, { publicKey: rawPublicKey(next.publicKey).toString('base64url'), fingerprint: nextFingerprint }, meta),
    );
  } catch (e) {
    await dataDir.discardNextKey();
    throw e;
  }
  await dataDir.promoteNextKey();
  const previous = domain.self.fingerprint;
  domain.self.previousKeys.set(previous, domain.self.privateKey);
  domain.self.privateKey = next.privateKey;
  domain.self.fingerprint = nextFingerprint;
  domain.onQueued?.();
  return { previous, current: nextFingerprint, peers };
}

/** Finishes or abandons a rotation that a crash interrupted, by whether its announcement committed. */
export async function settleKeyRotation(dataDir: DataDir, store: Store): Promise<void> {
  const next = await dataDir.readOptionalKey(dataDir.nextKeyFile);
  if (!next) return;
  const fp = fingerprint(next.publicKey);
  const committed = (await store.audit.list({ entityType: 'node', limit: 20 })).some(
    (e) => e.action === 'node.key_rotate' && (e.after as { fingerprint?: string } | null)?.fingerprint === fp,
  );
  if (committed) await dataDir.promoteNextKey();
  else await dataDir.discardNextKey();
}
