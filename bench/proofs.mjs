// Proof bundles (issue 5, docs/protocol.md §9.6): full verifications of a bundle per second on
// one core, as `parley verify` and POST /api/v1/verify do them, next to the rate of the Ed25519
// signature verifications it contains, measured with node:crypto in the same run (a bundle with
// content and one witness holds five: envelope, receipt, two checkpoints, one cosignature).
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { exampleProofBundle, verifyProofBundle } from '../packages/protocol/dist/index.js';
import { fmt, report } from './lib.mjs';

async function rate(fn, ms = 1000) {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return (n / ms) * 1000;
}

export async function proofs() {
  console.log('\n== Proof bundles ==');
  const bundle = JSON.stringify(await exampleProofBundle({ discloseEvidence: true }));
  const withheld = JSON.stringify(await exampleProofBundle({ withholdContent: true }));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(300, 1);
  const signature = sign(null, message, privateKey);
  await verifyProofBundle(bundle); // warm up
  const ed25519 = await rate(() => verify(null, message, publicKey, signature));
  const full = await rate(() => verifyProofBundle(bundle));
  const noContent = await rate(() => verifyProofBundle(withheld));
  report([
    [`bundle verifications/s (${bundle.length} bytes, 5 signatures, 6 inclusion proofs)`, fmt(full, 0), fmt(ed25519 / 5, 0), '/s', `${fmt((full / (ed25519 / 5)) * 100, 1)}% of its 5 Ed25519 verifications alone`],
    [`bundle verifications/s, content withheld (4 signatures)`, fmt(noContent, 0), fmt(ed25519 / 4, 0), '/s', `${fmt((noContent / (ed25519 / 4)) * 100, 1)}% of its 4 Ed25519 verifications alone`],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) await proofs();
