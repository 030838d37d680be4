import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestNode, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function get(url: string, ca: Buffer, post?: unknown): Promise<{ status: number; body: string; cookie: string; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const headers = post === undefined ? {} : { 'content-type': 'application/json' };
    request(url, { ca, method: post === undefined ? 'GET' : 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookie: String(res.headers['set-cookie'] ?? ''), hsts: res.headers['strict-transport-security'] }));
    })
      .on('error', reject)
      .end(post === undefined ? undefined : JSON.stringify(post));
  });
}

/** A certificate and key for 127.0.0.1 made with openssl, in a new temporary directory. */
function selfSignedCertificate(): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', key, '-out', cert, '-days', '1', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { dir, cert, key };
}

describe('HTTPS served by the node itself', () => {
  const { dir, cert, key } = selfSignedCertificate();
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode({ config: { tlsCert: cert, tlsKey: key } });
  });
  afterAll(async () => {
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers over TLS with the configured certificate, and its links use https', async () => {
    expect(node.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(`${node.url}/healthz`, readFileSync(cert));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).status).toBe('ok');
    expect(node.firstRunLink).toMatch(/^https:\/\//);
    expect(r.hsts).toBe('max-age=31536000');
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(get(`${node.url}/healthz`, Buffer.from(''))).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('HTTPS served by the node itself under a public URL written with http://', () => {
  const { dir, cert, key } = selfSignedCertificate();
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode({ config: { tlsCert: cert, tlsKey: key, publicUrl: 'http://parley.mfa.example' } });
  });
  afterAll(async () => {
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('still marks the session cookie Secure, since the browser reached it over HTTPS', async () => {
    const token = new URL(node.firstRunLink!).hash.slice(1);
    const r = await get(`${node.url}/api/v1/auth/setup`, readFileSync(cert), { token, email: 'admin@mfa.example', password: 'correct horse battery staple' });
    expect(r.status).toBe(200);
    expect(r.cookie).toMatch(/^parley_session=[^;]+;.*; Secure; SameSite=Strict$/);
  });
});
