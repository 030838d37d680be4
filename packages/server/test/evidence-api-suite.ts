import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ADMIN, signedInAdmin, startTestNode, eventually, type Client, type Engine, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const LIMIT = 1024 * 1024;

/** A signed-in browser session: the cookie and the CSRF token, for raw requests. */
interface Session {
  cookie: string;
  csrf: string;
}

async function sessionFrom(res: Response): Promise<Session> {
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: body.csrfToken };
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

/** Evidence upload and download over real HTTP, against one storage engine. */
export function evidenceApiSuite(engine: Engine): void {
  describe(`evidence API over HTTP (${engine})`, () => {
    let node: TestNode;
    let admin: Client;
    let session: Session;
    let viewer: Session;

    beforeAll(async () => {
      node = await startTestNode({ engine, config: { maxEvidenceBytes: LIMIT } });
      admin = await signedInAdmin(node);
      session = await sessionFrom(await fetch(`${node.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) }));
      const invited = await admin.post('/api/v1/users', { email: 'viewer@mfa.example', displayName: 'Viewer', role: 'viewer' });
      const token = new URL(invited.body.setupLink as string).hash.slice(1);
      viewer = await sessionFrom(await fetch(`${node.url}/api/v1/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: 'viewer password long enough' }) }));
    }, 60_000);
    afterAll(async () => {
      await node?.close();
    });

    const upload = (bytes: Buffer | ReadableStream | null, query: string, as: Session | null = session, headers: Record<string, string> = {}) =>
      fetch(`${node.url}/api/v1/evidence?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...(as ? { cookie: as.cookie, 'x-csrf-token': as.csrf } : {}), ...headers },
        body: bytes,
        ...(bytes instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    const get = (path: string, as: Session = session, headers: Record<string, string> = {}) => fetch(`${node.url}${path}`, { headers: { cookie: as.cookie, ...headers } });
    const blobDir = () => join(node.dataDir, 'evidence');

    it('stores an upload under its SHA-256 and returns the record, with the file name made safe', async () => {
      const bytes = randomBytes(300_000);
      const res = await upload(bytes, `name=${encodeURIComponent('../../etc/passwd')}&mediaType=text/plain`);
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({ sha256: sha(bytes), size: bytes.length, name: 'passwd', mediaType: 'text/plain', malware: false, status: 'stored', originState: 'XAA', uploadedBy: ADMIN.email, available: true });
      const meta = await get(`/api/v1/evidence/${body.id}`);
      expect(meta.status).toBe(200);
      expect((await meta.json()).sha256).toBe(sha(bytes));
    });

    it('stores the same content uploaded twice once, as two records', async () => {
      const bytes = randomBytes(100_000);
      const first = await (await upload(bytes, 'name=a.bin')).json();
      const before = (await files(join(blobDir(), 'sha256'))).length;
      const second = await (await upload(bytes, 'name=b.bin')).json();
      expect(second.sha256).toBe(first.sha256);
      expect(second.id).not.toBe(first.id);
      expect((await files(join(blobDir(), 'sha256'))).length).toBe(before);
    });

    it('downloads as an attachment of type application/octet-stream, never sniffed, whole or by range', async () => {
      const bytes = randomBytes(50_000);
      const rec = await (await upload(bytes, `name=${encodeURIComponent('Отчёт.html')}&mediaType=text/html`)).json();
      const res = await get(`/api/v1/evidence/${rec.id}/content`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Otchet.html"; filename*=UTF-8''${encodeURIComponent('Отчёт.html')}`);
      expect(res.headers.get('x-parley-malware-sample')).toBeNull();
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
      const part = await get(`/api/v1/evidence/${rec.id}/content`, session, { range: 'bytes=100-199' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    });

    it('marks a malware sample on download, by header and by name suffix', async () => {
      const rec = await (await upload(Buffer.from('MZ not really a program'), 'name=dropper.exe&malware=true')).json();
      expect(rec.malware).toBe(true);
      const res = await get(`/api/v1/evidence/${rec.id}/content`);
      expect(res.headers.get('x-parley-malware-sample')).toBe('true');
      expect(res.headers.get('content-disposition')).toContain('filename="dropper.exe.malware-sample"');
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
    });

    it('lets a viewer read but not upload', async () => {
      const res = await upload(Buffer.from('x'), 'name=x.txt', viewer);
      expect(res.status).toBe(403);
      expect((await res.json()).code).toBe('forbidden');
      const rec = await (await upload(Buffer.from('readable'), 'name=r.txt')).json();
      expect((await get(`/api/v1/evidence/${rec.id}/content`, viewer)).status).toBe(200);
    });

    it('refuses a cookie upload without the CSRF token, and an upload without sign-in', async () => {
      const noCsrf = await upload(Buffer.from('x'), 'name=x.txt', null, { cookie: session.cookie });
      expect([noCsrf.status, (await noCsrf.json()).code]).toEqual([403, 'csrf_failed']);
      const anonymous = await upload(Buffer.from('x'), 'name=x.txt', null);
      expect([anonymous.status, (await anonymous.json()).code]).toEqual([401, 'sign_in_required']);
      const download = await fetch(`${node.url}/api/v1/evidence/00000000-0000-4000-8000-000000000000/content`);
      expect(download.status).toBe(401);
    });

    it('accepts an upload with an API token, which needs no CSRF token', async () => {
      const created = await admin.post('/api/v1/tokens', { name: 'uploads' });
      const res = await upload(Buffer.from('by token'), 'name=t.txt', null, { authorization: `Bearer ${created.body.secret}` });
      expect(res.status).toBe(201);
    });

    it('refuses a file over the node’s limit with 413, by its declared length or while it streams, keeping nothing', async () => {
      const declared = await upload(randomBytes(LIMIT + 1), 'name=big.bin');
      expect(declared.status).toBe(413);
      const problem = await declared.json();
      expect(problem.code).toBe('evidence_too_large');
      expect(problem.detail).toContain('1 MiB');
      // No Content-Length: the limit applies while the bytes arrive.
      const chunk = randomBytes(256 * 1024);
      let n = 0;
      const stream = new ReadableStream({
        pull(controller) {
          if (n++ < 6) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const streamed = await upload(stream, 'name=big2.bin');
      expect([streamed.status, (await streamed.json()).code]).toEqual([413, 'evidence_too_large']);
      expect(await files(join(blobDir(), 'tmp'))).toEqual([]);
    });

    it('refuses a body that is not declared as application/octet-stream, and a missing name', async () => {
      const json = await upload(Buffer.from('{}'), 'name=x.json', session, { 'content-type': 'application/json' });
      expect([json.status, (await json.json()).code]).toEqual([415, 'unsupported_media_type']);
      const nameless = await upload(Buffer.from('x'), 'malware=false');
      expect([nameless.status, (await nameless.json()).code]).toEqual([400, 'validation_failed']);
    });

    it('leaves nothing behind when an upload is cut off halfway', async () => {
      const before = (await admin.get('/api/v1/audit?entityType=evidence&limit=500')).body.entries.length as number;
      const storedBefore = await files(join(blobDir(), 'sha256'));
      const url = new URL(node.url);
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST /api/v1/evidence?name=cut.bin HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${512 * 1024}\r\nCookie: ${session.cookie}\r\nX-CSRF-Token: ${session.csrf}\r\n\r\n`,
          );
          socket.write(randomBytes(200 * 1024), () => setTimeout(() => socket.destroy(), 100));
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      await eventually(async () => (await files(join(blobDir(), 'tmp'))).length === 0, 5_000, 'temporary upload removed');
      expect(await files(join(blobDir(), 'sha256'))).toEqual(storedBefore);
      expect((await admin.get('/api/v1/audit?entityType=evidence&limit=500')).body.entries.length).toBe(before);
      expect(node.logs.some((l) => l.msg === 'evidence upload not stored' && l.code === 'upload_incomplete')).toBe(true);
    });

    it('says plainly why a file cannot be downloaded yet, or at all', async () => {
      const missing = await get('/api/v1/evidence/00000000-0000-4000-8000-000000000000/content');
      expect([missing.status, (await missing.json()).code]).toEqual([404, 'evidence_not_found']);
      const bad = await get('/api/v1/evidence/not-an-id');
      expect(bad.status).toBe(400);
    });

    it('documents the raw upload and download in OpenAPI', async () => {
      const doc = (await admin.get('/api/v1/openapi.json')).body;
      expect(doc.paths['/api/v1/evidence'].post.requestBody.content['application/octet-stream']).toBeDefined();
      expect(doc.paths['/api/v1/evidence/{id}/content'].get.responses['200'].content['application/octet-stream']).toBeDefined();
      expect(doc.paths['/api/v1/evidence'].post['x-parley-permission']).toBe('evidence.upload');
    });
  });
}
