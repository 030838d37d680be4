import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parseTrustedKeys, ProofError, verifyProofBundle } from '@parley/protocol';
import type { Command } from 'commander';
import { CliError } from './control.js';
import type { Io } from './main.js';

function unreadable(path: string, what: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory; give the file itself' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return new CliError(`cannot read the ${what} ${path}: ${why}`);
}

async function read(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw unreadable(path, what, e);
  }
}

/** The SHA-256 (hex) of a file, read as a stream: an evidence file can be larger than memory, or than the 2 GiB one read may hold. */
async function sha256Of(path: string, what: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
  } catch (e) {
    throw unreadable(path, what, e);
  }
  return hash.digest('hex');
}

/**
 * `parley verify FILE [--content PATH] [--keys FILE]`: checks a proof bundle offline, with the
 * same verifier as the public verify page. Exit 0 with the verdict, 1 with the reason.
 */
export function addVerifyCommand(program: Command, io: Io): void {
  program
    .command('verify')
    .description('check a proof bundle offline: who sent what to whom, and that both logs committed to it (docs/verification.md)')
    .argument('<file>', 'the proof bundle (.json) downloaded from a Parley node')
    .option('--content <path>', 'a disclosed evidence file, to check against the evidence commitment in the bundle')
    .option('--keys <file>', 'fingerprints you trust, one "STATE SHA256:…" per line (or JSON {"STATE": ["SHA256:…"]})')
    .action(async (file: string, o: { content?: string; keys?: string }) => {
      const bundle = await read(file, 'proof bundle');
      const contentSha256 = o.content === undefined ? undefined : await sha256Of(o.content, 'content file');
      let trustedKeys: Map<string, string[]> | undefined;
      if (o.keys !== undefined) {
        try {
          trustedKeys = parseTrustedKeys((await read(o.keys, 'keys file')).toString('utf8'));
        } catch (e) {
          if (e instanceof CliError) throw e;
          throw new CliError((e as Error).message);
        }
      }
      try {
        const verdict = await verifyProofBundle(bundle, { ...(trustedKeys ? { trustedKeys } : {}), ...(contentSha256 ? { contentSha256 } : {}) });
        io.out(`VALID. ${verdict.summary}`);
      } catch (e) {
        if (!(e instanceof ProofError)) throw e;
        // A field such as "(file)" or "(content)" names the whole file, already in brackets.
        throw new CliError(`NOT VALID: ${e.message} ${e.field.startsWith('(') ? e.field : `(${e.field})`}`);
      }
    });
}
