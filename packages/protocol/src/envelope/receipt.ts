import type { NodeKeyPair } from '../keys.js';
import { EnvelopeError } from './errors.js';
import { envelopeHash } from './hash.js';
import { openPayload, RECEIPT_TYP, signPayload, type PublicKeyLookup } from './jws.js';
import { PROTOCOL_VERSION, receiptSchema, type Receipt } from './schema.js';

/** The receipt a receiver signs for an envelope it accepted: given as received, or by its hash where that is already known. */
export function createReceipt(envelope: string | { hash: string }, receiver: string, received: Date = new Date()): Receipt {
  return {
    v: PROTOCOL_VERSION,
    envelope: typeof envelope === 'string' ? envelopeHash(envelope) : envelope.hash,
    receiver,
    received: received.toISOString(),
    status: 'accepted',
  };
}

/** Signs a receipt like an envelope, with typ parley-receipt+jws and the receiver's key. */
export function signReceipt(receipt: Receipt, key: Pick<NodeKeyPair, 'privateKey'>): Promise<string> {
  return signPayload(receipt, receiptSchema, RECEIPT_TYP, key);
}

export interface VerifyReceiptOptions {
  /** The receiver's public key for this key ID, if the receiver has one by that ID. */
  readonly publicKeyFor: PublicKeyLookup;
  /** The hash of the envelope this receipt must acknowledge. */
  readonly expectedEnvelope?: string;
  /** The state that must have signed it: the envelope's recipient. */
  readonly expectedReceiver?: string;
}

/**
 * Verifies a signed receipt and returns it, or throws an EnvelopeError: malformed,
 * unsupported_version, schema_invalid, unknown_sender (the receiver's key is unknown),
 * bad_signature, wrong_envelope or wrong_receiver.
 */
export async function verifyReceipt(jws: string, options: VerifyReceiptOptions): Promise<Receipt> {
  const receipt = await openPayload(jws, receiptSchema, RECEIPT_TYP, 'receiver', options.publicKeyFor);
  if (options.expectedEnvelope !== undefined && receipt.envelope !== options.expectedEnvelope) {
    throw new EnvelopeError('wrong_envelope', `the receipt acknowledges ${receipt.envelope}, not ${options.expectedEnvelope}`);
  }
  if (options.expectedReceiver !== undefined && receipt.receiver !== options.expectedReceiver) {
    throw new EnvelopeError('wrong_receiver', `the receipt is from ${receipt.receiver}, not ${options.expectedReceiver}`);
  }
  return receipt;
}
