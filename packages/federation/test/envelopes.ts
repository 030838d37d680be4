import { signEnvelope, uuidv7, type Envelope } from '@parley/protocol';
import type { NetworkNode } from '@parley/testkit';

let clock = Date.now();

/** A directory update from `from` to XAB, each with its own millisecond, so ids and times never collide; `over` changes any field. */
export function envelopeFrom(from: NetworkNode, over: Partial<Envelope> = {}): Envelope {
  const at = new Date(clock++);
  return {
    v: 1,
    id: uuidv7(at.getTime()),
    sender: from.node.ctx.identity.stateCode,
    recipient: 'XAB',
    type: 'directory.update',
    created: at.toISOString(),
    body: { publishedAt: at.toISOString(), contacts: [] },
    ...over,
  };
}

/** The next unused moment of the shared clock, for a body that needs a fresh time. */
export const nextMoment = (): Date => new Date(clock++);

export const sign = (from: NetworkNode, e: Envelope): Promise<string> => signEnvelope(e, from.node.ctx.keys);
