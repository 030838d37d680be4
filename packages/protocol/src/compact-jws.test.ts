import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { CompactJwsError, decodeCompact, signCompact, verifyCompact } from './compact-jws.js';

// RFC 8037 Appendix A.1 (the key) and A.4 (the signature of "Example of Ed25519 signing" under {"alg":"EdDSA"}).
const rfcJwk = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const rfcJws =
  'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';
const rfcPrivate = createPrivateKey({ key: rfcJwk, format: 'jwk' });
const rfcPublic = createPublicKey(rfcPrivate);

const code = async (f: () => unknown) => {
  try {
    await f();
  } catch (e) {
    if (e instanceof CompactJwsError) return e.code;
    throw e;
  }
  return 'accepted';
};

describe('compact JWS with EdDSA (RFC 7515, RFC 8037)', () => {
  it('signs RFC 8037 A.4 to the published bytes', async () => {
    expect(await signCompact({}, 'Example of Ed25519 signing', rfcPrivate)).toBe(rfcJws);
  });

  it('verifies RFC 8037 A.5, and refuses it under another key', async () => {
    const decoded = await verifyCompact(rfcJws, rfcPublic);
    expect(decoded.payload.toString('utf8')).toBe('Example of Ed25519 signing');
    expect(decoded.header).toEqual({ alg: 'EdDSA' });
    expect(await code(() => verifyCompact(rfcJws, generateKeyPairSync('ed25519').publicKey))).toBe('bad_signature');
  });

  it('interoperates with jose both ways, header fields in order', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const ours = await signCompact({ kid: 'k1', typ: 'x+jws' }, '{"a":1}', privateKey);
    const theirs = await new CompactSign(Buffer.from('{"a":1}')).setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'x+jws' }).sign(privateKey);
    // Ed25519 is deterministic: the same header and payload give the same bytes.
    expect(ours).toBe(theirs);
    expect(decodeProtectedHeader(ours)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'x+jws' });
    expect(Buffer.from((await compactVerify(ours, publicKey)).payload).toString()).toBe('{"a":1}');
    const other = await new CompactSign(Buffer.from('other')).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
    expect((await verifyCompact(other, publicKey)).payload.toString()).toBe('other');
  });

  it('refuses a changed payload, header or signature', async () => {
    const [h, p, s] = rfcJws.split('.') as [string, string, string];
    const flip = (t: string) => (t[0] === 'A' ? 'B' : 'A') + t.slice(1);
    expect(await code(() => verifyCompact(`${h}.${flip(p)}.${s}`, rfcPublic))).toBe('bad_signature');
    expect(await code(() => verifyCompact(`${h}.${p}.${flip(s)}`, rfcPublic))).toBe('bad_signature');
    const noneHeader = Buffer.from('{"alg":"none"}').toString('base64url');
    expect(await code(() => verifyCompact(`${noneHeader}.${p}.${s}`, rfcPublic))).toBe('malformed');
  });

  it('refuses what is not a canonical compact JWS, and critical extensions', async () => {
    const [h, p, s] = rfcJws.split('.') as [string, string, string];
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of [
      42,
      '',
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h}..${s}`,
      `${h}.${p}.${s}=`,
      `${h}.${p}.${s.slice(0, -2)}`, // 63 bytes
      `${h}.${p}+.${s}`,
      `${b64([1])}.${p}.${s}`,
      `${Buffer.from('not json').toString('base64url')}.${p}.${s}`,
      `${Buffer.from([0xff, 0xfe]).toString('base64url')}.${p}.${s}`,
    ]) {
      expect(await code(() => decodeCompact(bad)), String(bad)).toBe('malformed');
    }
    const crit = await signCompact({ crit: 'b64' } as Record<string, string>, 'x', rfcPrivate);
    expect(await code(() => verifyCompact(crit, rfcPublic))).toBe('malformed');
  });

  it('will not sign or verify with a key that is not Ed25519 of the right kind', async () => {
    await expect(signCompact({}, 'x', rfcPublic)).rejects.toThrow(TypeError);
    await expect(verifyCompact(rfcJws, rfcPrivate)).rejects.toThrow(TypeError);
    await expect(signCompact({}, 'x', generateKeyPairSync('ed448').privateKey)).rejects.toThrow(TypeError);
  });

  it('runs a lone operation inline and several asked for together in the thread pool, with the same results', async () => {
    // Inline, an operation is done within the microtask queue; in the pool, it needs a turn of the event loop.
    const microtasks = async () => {
      for (let i = 0; i < 50; i++) await Promise.resolve();
    };
    let alone: string | undefined;
    void signCompact({ kid: 'k1' }, 'one', rfcPrivate).then((jws) => (alone = jws));
    await microtasks();
    expect(alone).toBeDefined();

    const together: (string | undefined)[] = [];
    const all = Promise.all(['one', 'two', 'three'].map((p, i) => signCompact({ kid: 'k1' }, p, rfcPrivate).then((jws) => (together[i] = jws))));
    await microtasks();
    expect(together).toEqual([]);
    await all;
    // Ed25519 is deterministic: the pool signs what inline signing does.
    expect(together[0]).toBe(alone);
    expect(await Promise.all(together.map((jws) => verifyCompact(jws, rfcPublic)))).toHaveLength(3);
    const [h, p, sig] = together[1]!.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${(sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)}`;
    const verdicts = await Promise.all([verifyCompact(together[0], rfcPublic), verifyCompact(flipped, rfcPublic).catch((e: CompactJwsError) => e.code)]);
    expect(verdicts[1]).toBe('bad_signature');
  });
});
