export {
  createEnvelope,
  peekEnvelope,
  readEnvelope,
  signEnvelope,
  verifyEnvelope,
  type EnvelopeInput,
  type PeekedEnvelope,
  type ReadEnvelope,
  type VerifyEnvelopeOptions,
} from './envelope.js';
export { EnvelopeError, type EnvelopeErrorCode } from './errors.js';
export { envelopeHash } from './hash.js';
export { ENVELOPE_TYP, MAX_JWS_LENGTH, RECEIPT_TYP, type PublicKeyLookup } from './jws.js';
export { createReceipt, signReceipt, verifyReceipt, type VerifyReceiptOptions } from './receipt.js';
export {
  ENVELOPE_HASH_PATTERN,
  envelopeJsonSchema,
  envelopeSchema,
  MESSAGE_TYPE_PATTERN,
  PROTOCOL_VERSION,
  receiptJsonSchema,
  receiptSchema,
  STATE_CODE_PATTERN,
  type Envelope,
  type Receipt,
} from './schema.js';
export { isUuid, isUuidV7, UUID_PATTERN, UUID_V7_PATTERN, uuidv7, uuidv7Timestamp } from './uuid.js';
