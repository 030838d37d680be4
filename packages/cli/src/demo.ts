import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addPeer, createContact, startCheck, type Actor, type CreateContact } from '@parley/core';
import { discover } from '@parley/federation';
import { configFromEnv, operatorCommands, startNode, type RunningNodeHandle } from '@parley/server';
import { DataDir } from '@parley/store';
import type { Io } from './main.js';

/**
 * Three fictional states on loopback, peered with each other, each with an administrator, an
 * officer, a viewer and a directory. User-assigned ISO codes keep every sample clearly fictional.
 */
const STATES = [
  { code: 'XAA', name: 'Ministry of Foreign Affairs of Aurelia', domain: 'aurelia.example', port: 8081, tz: 'Europe/Lisbon', langs: ['en', 'pt'] },
  { code: 'XAB', name: 'Foreign Office of Borealis', domain: 'borealis.example', port: 8082, tz: 'Europe/Oslo', langs: ['en', 'fr'] },
  { code: 'XAC', name: 'Department of External Relations of Caldera', domain: 'caldera.example', port: 8083, tz: 'America/Santiago', langs: ['es', 'en'] },
] as const;

const PASSWORD = 'parley demo password';
const operator: Actor = { type: 'operator' };

function sampleContacts(s: (typeof STATES)[number]): CreateContact[] {
  return [
    { kind: 'diplomatic', name: 'Cyber Diplomacy Desk', organisation: s.name, position: 'Head of desk', email: `cyber-desk@${s.domain}`, phone: '+1 555 010 0101', languages: [...s.langs], timeZone: s.tz, hours: 'Mon–Fri 09:00–17:00', available24x7: false },
    { kind: 'technical', name: 'National CERT', organisation: `CERT ${s.code}`, position: 'Duty officer', email: `duty@cert.${s.domain}`, phone: '+1 555 010 0202', languages: [...s.langs], timeZone: s.tz, hours: '', available24x7: true },
    { kind: 'law_enforcement_24_7', name: '24/7 Cybercrime Contact', organisation: `National Police ${s.code}`, position: 'Watch officer', email: `247@police.${s.domain}`, phone: '+1 555 010 0303', languages: [...s.langs], timeZone: s.tz, hours: '', available24x7: true },
  ];
}

export async function runDemo(io: Io, options: { dir: string }): Promise<void> {
  const root = resolve(options.dir);
  await rm(root, { recursive: true, force: true });
  const nodes: RunningNodeHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.close()));
  };
  try {
    for (const s of STATES) {
      const dataDir = new DataDir(resolve(root, s.code.toLowerCase()));
      await dataDir.init({ stateCode: s.code, name: s.name, testState: true });
      const config = configFromEnv({ dataDir: dataDir.path, port: s.port, host: '127.0.0.1', logLevel: 'warn', databaseUrl: undefined });
      const node = await startNode({ ...config, databaseUrl: undefined });
      nodes.push(node);
      const meta = { requestId: null };
      for (const [role, who] of [['admin', 'admin'], ['officer', 'officer'], ['viewer', 'viewer']] as const) {
        await operatorCommands.addUser(node.ctx.domain, { email: `${who}@${s.domain}`, role, displayName: `${role[0]!.toUpperCase()}${role.slice(1)} of ${s.code}`, password: PASSWORD }, meta);
      }
      for (const c of sampleContacts(s)) await createContact(node.ctx.domain, operator, c, meta);
    }
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const { url, document } = await discover(b.url);
        await addPeer(a.ctx.domain, operator, { url, fingerprint: b.ctx.nodeInfo().fingerprint, presented: document }, { requestId: null });
      }
    }
    await startCheck(nodes[0]!.ctx.domain, operator, { note: 'Demo communication check from Aurelia' }, { requestId: null });
  } catch (e) {
    await stop();
    throw e;
  }

  io.out('');
  io.out('Parley demo: three fictional test states on this machine, peered with each other.');
  io.out('Every state here is a TEST STATE with a user-assigned code; none stands for a real state.');
  io.out('');
  for (const [i, s] of STATES.entries()) {
    const info = nodes[i]!.ctx.nodeInfo();
    io.out(`  ${s.code}  ${s.name}`);
    io.out(`       ${nodes[i]!.url}   key ${info.fingerprint}`);
    io.out(`       sign in as admin@${s.domain}, officer@${s.domain} or viewer@${s.domain}`);
  }
  io.out('');
  io.out(`  Password for every demo account: ${PASSWORD}`);
  io.out('  Try: sign in to XAB as officer and confirm the communication check Aurelia (XAA) just sent;');
  io.out('       then see it confirmed on XAA. Edit a point of contact and watch it reach the other states.');
  io.out(`  Data: ${root} (recreated at every demo start). Stop with Ctrl-C.`);
  await new Promise<void>((resolveStop) => {
    const onSignal = () => {
      io.err('Stopping the demo…');
      void stop().then(resolveStop);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
