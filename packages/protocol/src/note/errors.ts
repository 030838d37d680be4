/** Stable codes for everything that can go wrong with a note, checkpoint or cosignature. */
export type NoteErrorCode =
  /** The message is not a syntactically valid signed note. */
  | 'malformed_note'
  /** Text or key name handed to a signer that no valid note could carry. */
  | 'invalid_text'
  /** A verifier or signer key string, or a key object, that cannot be used. */
  | 'invalid_key'
  /** Two configured verifiers share a key name and key ID, so a signature cannot be attributed. */
  | 'ambiguous_key'
  /** A signature from a known key does not verify: the whole note is rejected. */
  | 'invalid_signature'
  /** No signature from a known key (or from the required key) is present. */
  | 'no_trusted_signature'
  /** The note text is not a valid checkpoint body. */
  | 'malformed_checkpoint'
  /** The checkpoint is for another log. */
  | 'wrong_origin'
  /** A cosignature whose bytes are not a timestamped Ed25519 signature. */
  | 'malformed_cosignature';

export class NoteError extends Error {
  override readonly name = 'NoteError';
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
  }
}
