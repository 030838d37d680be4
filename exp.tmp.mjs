import { startNetwork, eventually } from './packages/testkit/dist/index.js';
import { signEnvelope, signDelivery, envelopeHash, createEnvelope } from './packages/protocol/dist/index.js';
const engine = process.env.ENGINE ?? 'postgres';
const [a, b] = await startNetwork(['XAA', 'XAB'], { engine });
for (const n of [a, b]) { await eventually(async () => (await n.node.ctx.store.outbox.list({ status: 'queued', limit: 1 })).length === 0, 30000, 'q'); await n.node.ctx.sender.stop(); }
const keys = a.node.ctx.keys; const kid = a.node.ctx.nodeInfo().fingerprint;
let seq = Date.now();
const make = () => signEnvelope(createEnvelope({ sender: 'XAA', recipient: 'XAB', type: 'directory.update', body: { publishedAt: new Date(seq++).toISOString(), contacts: [] } }), keys);
const inbox = b.node.ctx.inbox;
const cpu = {};
const cpuNow = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
for (const m of ['peek', 'senderKeys', 'checkAttempt', 'open', 'typed', 'commit']) {
  const orig = inbox[m].bind(inbox);
  inbox[m] = (...args) => { const t0 = cpuNow(); const r = orig(...args); const done = () => { cpu[m] = (cpu[m] ?? 0) + cpuNow() - t0; }; if (r && typeof r.then === 'function') return r.finally(done); done(); return r; };
}
const store = b.node.ctx.store;
const N = Number(process.env.N ?? 300);
const size = Number(process.env.SIZE ?? 1);
const batches = []; for (let i = 0; i < N / size; i++) { const batch = []; for (let j = 0; j < size; j++) batch.push(await make()); batches.push(batch); }
const tokens = []; for (const batch of batches) tokens.push(await signDelivery({ envelope: batch.map(envelopeHash), to: 'XAB', sent: new Date() }, keys.privateKey, kid));
const t0 = cpuNow();
for (let i = 0; i < batches.length; i++) { const r = await inbox.receiveBatch(batches[i], tokens[i]); if (!r.every((x) => x.ok)) throw new Error('refused'); }
const total = cpuNow() - t0;
console.log('size', size, 'total cpu/env', (total / N).toFixed(3), Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, (v / N).toFixed(3)])));
// raw queries
const q0 = cpuNow(); for (let i = 0; i < 300; i++) await store.ping(); console.log('kysely select 1', ((cpuNow() - q0) / 300).toFixed(3));
const t1 = cpuNow(); for (let i = 0; i < 300; i++) await store.transaction(async (tx) => { await tx.ping(); }); console.log('tx with one select', ((cpuNow() - t1) / 300).toFixed(3));
await a.node.close(); await b.node.close();
process.exit(0);
