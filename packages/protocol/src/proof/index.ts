export { PROOF_FORMAT, PROOF_MEDIA_TYPE, proofBundleSchema, type ProofBundle, type ProofEvidence, type ProofLog, type ProofParty } from './bundle.js';
export { ProofError, parseTrustedKeys, verifyProofBundle, type LogVerdict, type ProofErrorCode, type ProofVerdict, type VerifyProofOptions } from './verify.js';
export { exampleProofBundle, EXAMPLE_EVIDENCE_FILE, EXAMPLE_EVIDENCE_SALT, rfc8032Key, type ExampleProofOptions } from './example.js';
