// A node for the evidence benchmark: `parley start`, plus an IPC channel through which the
// benchmark plays the part of the consultation workflow (grant on the sender, expect on the
// receiver), so the transfer is measured without depending on the consultation messages.
import { expectEvidence, grantEvidence } from '../packages/core/dist/index.js';
import { configFromEnv, startNode } from '../packages/server/dist/index.js';

const [dataDir, port] = process.argv.slice(2);
const node = await startNode(configFromEnv({ dataDir, port: Number(port), logLevel: 'warn' }));
const { ctx } = node;

process.on('message', async (msg) => {
  try {
    if (msg.op === 'grant') {
      await ctx.store.transaction((tx) => grantEvidence(tx, ctx.domain, { sha256: msg.sha256, recipient: msg.recipient }));
      process.send({ id: msg.id, ok: true });
    } else if (msg.op === 'expect') {
      const rec = await ctx.store.transaction((tx) => expectEvidence(tx, ctx.domain, { ...msg.ref, caseId: null }));
      // As the inbox does after a message is recorded.
      ctx.domain.onQueued?.();
      process.send({ id: msg.id, ok: true, evidence: rec.id });
    }
  } catch (e) {
    process.send({ id: msg.id, ok: false, error: String(e?.message ?? e) });
  }
});
process.send({ ready: true, url: node.url });
const stop = () => void node.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
