/** Stable codes for every way a signed envelope or receipt can be refused. */
export type EnvelopeErrorCode =
  /** Not a compact JWS of the expected kind: syntax, header, encoding or size. */
  | 'malformed'
  /** The signature does not verify under the sender's key. */
  | 'bad_signature'
  /** No key is known for the signer and key ID. */
  | 'unknown_sender'
  /** Addressed to another state. */
  | 'wrong_recipient'
  /** Created before the accepted clock-skew window. */
  | 'stale'
  /** Created after the accepted clock-skew window. */
  | 'from_future'
  /** This envelope ID was already accepted. */
  | 'replayed'
  /** A protocol version this implementation does not speak. */
  | 'unsupported_version'
  /** The signed content does not match the schema. */
  | 'schema_invalid'
  /** A receipt for another envelope than the one expected. */
  | 'wrong_envelope'
  /** A receipt from another state than the one expected. */
  | 'wrong_receiver';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
