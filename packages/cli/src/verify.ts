import { readFile } from 'node:fs/promises';
import { parseTrustedKeys, ProofError, verifyProofBundle } from '@parley/protocol';
import type { Command } from 'commander';
import { CliError } from './control.js';
import type { Io } from './main.js';

async function read(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory; give the file itself' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`cannot read the ${what} ${path}: ${why}`);
  }
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
      const content = o.content === undefined ? undefined : await read(o.content, 'content file');
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
        const verdict = await verifyProofBundle(bundle, { ...(trustedKeys ? { trustedKeys } : {}), ...(content ? { content } : {}) });
        io.out(`VALID. ${verdict.summary}`);
      } catch (e) {
        if (!(e instanceof ProofError)) throw e;
        // A field such as "(file)" or "(content)" names the whole file, already in brackets.
        throw new CliError(`NOT VALID: ${e.message} ${e.field.startsWith('(') ? e.field : `(${e.field})`}`);
      }
    });
}
