export {
  cosignCheckpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type Cosignature,
  type OpenCheckpointOptions,
  type OpenedCheckpoint,
} from './checkpoint.js';
export {
  cosignatureMessage,
  cosignatureTimestamp,
  cosignerKeyId,
  ed25519CosignatureVerifier,
  ed25519Cosigner,
  noteVerifierFromKey,
} from './cosignature.js';
export { NoteError, type NoteErrorCode } from './errors.js';
export {
  addNoteSignatures,
  formatNote,
  MAX_NOTE_SIGNATURES,
  openNote,
  parseNote,
  signNote,
  type Note,
  type NoteSignature,
  type OpenedNote,
} from './note.js';
export {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  isValidKeyName,
  keyIdHex,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
  SignatureType,
  type NoteSigner,
  type NoteVerifier,
  type ParsedSignerKey,
  type ParsedVerifierKey,
} from './note-keys.js';
