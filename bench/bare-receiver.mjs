// A baseline for the federation figures: the least a receiving node can do for a batch delivery,
// on the same machine and the same PostgreSQL, spoken to by the same load generator. Bare
// node:http, node:crypto and pg: it checks the delivery token's signature and each envelope's,
// stores each envelope with its signed receipt by a group commit of one multi-row insert per
// transaction, and answers with the receipts. What it leaves out is what a Parley node adds: the
// web framework and its middleware, the token's claims and nonce, the peer and key look-ups, the
// schema checks, duplicate detection, thread order, applying the message, and the transparency log.
// Started by bench/federation.mjs; prints its public key (raw, base64url) once listening.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const [port, databaseUrl, senderKey] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const sender = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: senderKey }, format: 'jwk' });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
await pool.query('create table if not exists bare_inbox (hash text primary key, jws text not null, receipt text not null, received_at timestamptz not null)');

const b64 = (value) => Buffer.from(value).toString('base64url');
const receiptHeader = b64(JSON.stringify({ alg: 'EdDSA', kid: `SHA256:${createHash('sha256').update(Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url')).digest('base64').replace(/=+$/, '')}`, typ: 'parley-receipt+jws' }));

function verified(jws, key) {
  const dot = jws.lastIndexOf('.');
  return verify(null, Buffer.from(jws.slice(0, dot)), key, Buffer.from(jws.slice(dot + 1), 'base64url'));
}

// Group commit: envelopes waiting while one transaction commits go together in the next.
let queue = [];
let draining = null;
async function drain() {
  while (queue.length > 0) {
    const batch = queue.splice(0, 256);
    const client = await pool.connect();
    try {
      await client.query('begin');
      const params = batch.flatMap((e) => [e.hash, e.jws, e.receipt, e.at]);
      const rows = batch.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`);
      await client.query(`insert into bare_inbox values ${rows.join(', ')} on conflict do nothing`, params);
      await client.query('commit');
      for (const e of batch) e.done();
    } catch (error) {
      for (const e of batch) e.failed(error);
    } finally {
      client.release();
    }
  }
  draining = null;
}
const store = (entry) =>
  new Promise((done, failed) => {
    queue.push({ ...entry, done, failed });
    draining ??= new Promise((r) => setImmediate(r)).then(drain);
  });

async function receive(jws) {
  if (!verified(jws, sender)) throw new Error('bad signature');
  const hash = `sha256:${createHash('sha256').update(jws, 'ascii').digest('base64url')}`;
  const at = new Date();
  const payload = b64(JSON.stringify({ v: 1, envelope: hash, receiver: 'XAB', received: at.toISOString(), status: 'accepted' }));
  const receipt = `${receiptHeader}.${payload}.${sign(null, Buffer.from(`${receiptHeader}.${payload}`), privateKey).toString('base64url')}`;
  await store({ hash, jws, receipt, at });
  return { receipt, duplicate: false };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      if (!verified(String(req.headers['parley-delivery']), sender)) throw new Error('bad delivery token');
      const { envelopes } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const body = JSON.stringify({ results: await Promise.all(envelopes.map(receive)) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
});
server.listen(port, '127.0.0.1', () => console.log(publicKey.export({ format: 'jwk' }).x));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
