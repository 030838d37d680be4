/** Sentences of proof bundles: the public verify page and the "Download proof" button, in English. */
export const verifyMessages = {
  title: 'Verify a proof',
  intro:
    'A proof file shows that one state sent a message to another, that the other signed a receipt for it, and that both states’ public logs recorded both. Choose a proof file to check it. You do not need an account.',
  whatItMeans: 'What a valid proof does and does not establish',
  establishes:
    'A valid proof establishes that the sending state’s key signed this exact message; that the receiving state’s key acknowledged receiving it, at the time written in its receipt; and that both states’ public logs recorded both facts, which neither can later rewrite without being detected.',
  doesNotEstablish:
    'It does not establish who was holding a key, that the content is true, that a person read the message, or which state a key belongs to: that last point rests on comparing the key fingerprints with each state through a trusted channel.',
  bundleLabel: 'Proof file (.json)',
  bundleHelp: 'The file downloaded with “Download proof” from a Parley node, or received from someone who did.',
  contentLabel: 'Evidence file (optional)',
  contentHelp: 'If the proof discloses an evidence item, choose the file to check that it is the one that was sent. The file stays on this computer: only its SHA-256 fingerprint is sent.',
  check: 'Check the proof',
  checking: 'Checking…',
  chooseFile: 'Choose a proof file first.',
  unreadable: 'This file could not be read as JSON, so it is not a Parley proof file.',
  valid: 'The proof is valid',
  invalid: 'The proof is NOT valid',
  where: 'Part of the file that failed',
  keysNote:
    'The keys are only those written in the proof file. Confirm the key fingerprints above with each state through a channel you trust (for example a meeting or an official letter) before relying on the proof.',
  cli: 'The same check can be run offline: parley verify FILE [--content PATH] [--keys FILE].',
  signInLink: 'Verify a proof file without signing in',
  download: 'Download proof',
  downloading: 'Preparing…',
  downloadHelp: 'A file that anyone can check, offline or on the “Verify a proof” page of any Parley node.',
  downloadFailed: (detail: string) => `The proof could not be prepared: ${detail}`,
};
export type VerifyMessages = typeof verifyMessages;
