import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { addPeer, createConsultation, createContact, createRequest, setLegalBasis, setNormPosition, startCheck, type Actor, type CreateConsultation, type CreateContact, type CreateRequest, type SetNormPosition } from '@parley/core';
import { discover } from '@parley/federation';
import { configFromEnv, operatorCommands, startNode, type RunningNodeHandle } from '@parley/server';
import { DataDir } from '@parley/store';
import { CliError } from './control.js';
import type { Io } from './main.js';

/**
 * Three fictional states on loopback, peered with each other, each with an administrator, an
 * officer, a viewer and a directory. User-assigned ISO codes keep every sample clearly fictional.
 */
const STATES = [
  { code: 'XAA', name: 'Ministry of Foreign Affairs of Aurelia', domain: 'aurelia.example', tz: 'Europe/Lisbon', langs: ['en', 'pt'] },
  { code: 'XAB', name: 'Foreign Office of Borealis', domain: 'borealis.example', tz: 'Europe/Oslo', langs: ['en', 'fr'] },
  { code: 'XAC', name: 'Department of External Relations of Caldera', domain: 'caldera.example', tz: 'America/Santiago', langs: ['es', 'en'] },
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

/** Invented statements of the fictional states on a few norms, so the matrix has something to show. */
const SAMPLE_POSITIONS: SetNormPosition[][] = [
  [
    { entry: 'gge2015-13f', position: 'endorses', statement: 'Aurelia does not conduct or knowingly support ICT activity that damages critical infrastructure.', source: 'https://mfa.aurelia.example/cyber-statement-2026', date: '2026-03-01' },
    { entry: 'gge2015-13h', position: 'endorses', statement: 'The national CERT answers requests for assistance around the clock.', source: 'https://mfa.aurelia.example/cyber-statement-2026', date: '2026-03-01' },
  ],
  [
    { entry: 'gge2015-13f', position: 'endorses', statement: 'Borealis supports the norm as agreed in 2015.', source: 'https://foreign.borealis.example/oewg-2026', date: '2026-07-10' },
    { entry: 'gge2015-13j', position: 'endorses_with_reservations', statement: 'Reporting of vulnerabilities follows national law on classified information.', source: 'https://foreign.borealis.example/oewg-2026', date: '2026-07-10' },
  ],
  [{ entry: 'gge2015-13h', position: 'endorses', statement: 'Caldera answers requests through its 24/7 point of contact.', source: 'https://exterior.caldera.example/normas', date: '2026-05-20' }],
];

/** A fictional incident between fictional states, raised from Aurelia to Borealis. */
const SAMPLE_CONSULTATION: CreateConsultation = {
  addressees: ['XAB'],
  title: 'Credential-stuffing against the Aurelian grid operator from Borealian addresses',
  summary:
    'Since 20 November the VPN gateway of the Aurelian transmission system operator has received about 40,000 failed log-ins a day from three addresses announced in Borealis. No log-in has succeeded. We ask for help identifying the hosts and stopping the activity.',
  periodStart: '2026-11-20T00:00:00Z',
  periodEnd: null,
  sectors: ['energy'],
  severity: 'moderate',
  urgency: 'high',
  communicationKind: 'request_to_mitigate',
  norms: ['gge2015-13f', 'gge2015-13h'],
  actionsRequested: 'Identify the hosts behind the listed addresses, stop the activity, and tell us what you found.',
  responseRequestedBy: null,
  tlp: 'AMBER',
  indicators: [
    { type: 'ipv4', value: '198.51.100.23' },
    { type: 'ipv4', value: '198.51.100.24' },
    { type: 'domain', value: 'grid-login.borealis.example' },
  ],
  attribution: null,
  evidence: [],
  send: true,
};

/** A fictional preservation request from Aurelia's 24/7 point of contact to Borealis. */
const SAMPLE_REQUEST: CreateRequest = {
  kind: 'preservation',
  recipient: 'XAB',
  title: 'Preserve the mailbox used to extort the Aurelian water utility',
  summary: 'On 18 November the Aurelian water utility received extortion e-mails threatening to publish stolen customer data. They came from a mailbox at a Borealian provider.',
  urgency: 'high',
  tlp: 'AMBER+STRICT',
  responseRequestedBy: null,
  form: {
    reference: 'XAA-PRES-2026-041',
    requestingAuthority: 'Cybercrime Unit, Aurelian Judicial Police',
    investigatingAuthority: 'Cybercrime Unit, Aurelian Judicial Police',
    prosecutorOrCourt: 'Public Prosecutor of Aurelia City',
    caseNumber: '4411/26',
    proceedings: 'Criminal investigation into extortion and unlawful access to the utility’s systems.',
    offence: 'Extortion; illegal access to a computer system.',
    legalBasis: { instruments: [], articles: '', channel: null },
    dataSought: 'Subscriber data, log-in IP addresses and stored content of the mailbox extort@mail.borealis.example from 1 October 2026.',
    linkToOffence: 'The extortion e-mails were sent from this mailbox.',
    custodianOrLocation: 'MailCo Borealis Ltd., Port Borealis',
    persons: 'Unknown holder of extort@mail.borealis.example',
    necessity: 'The provider keeps log-in records for 30 days only.',
    procedure: '',
    riskToLife: '',
    mlaToFollow: true,
    confidentiality: 'Do not notify the account holder.',
    timeLimits: 'Preservation needed before 1 December, when the oldest records are deleted.',
    related: [],
    contact: { name: 'Insp. Ana Duarte', position: '24/7 point of contact', phone: '+999 21 555 0101', email: 'officer@police.aurelia.example', officeHours: 'around the clock', timeZone: 'UTC', preferredChannel: 'Parley' },
  },
  evidence: [],
  send: true,
};

/** The demo's first port: its states listen on this one and the next two, in the order above. */
export const DEMO_PORT = 8081;

/** The file that marks a directory as the demo's own, which the next demo may delete. */
const DEMO_MARK = '.parley-demo';

/**
 * The demo deletes its directory and starts afresh, so it runs only in a directory that is
 * missing, empty, or a demo's: marked by an earlier demo, or (before the mark existed) holding
 * nothing but the three demo states' nodes. Anything else may be someone's node or files.
 */
async function checkDemoDirectory(root: string): Promise<void> {
  const refuse = (why: string) =>
    new CliError(`${root} ${why}. The demo deletes and recreates its directory at every start, so it only uses a new or empty directory, or one an earlier demo made. Choose another with --dir DIR.`);
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw refuse('is a file, not a directory');
    throw e;
  }
  if (entries.length === 0 || entries.includes(DEMO_MARK)) return;
  const demoNodes = STATES.map((s) => s.code.toLowerCase()) as string[];
  const isDemoNode = async (entry: string) => {
    if (!demoNodes.includes(entry)) return false;
    const identity = await new DataDir(join(root, entry)).identity().catch(() => undefined);
    return identity?.stateCode === entry.toUpperCase() && identity.isTestState === true;
  };
  const others = [];
  for (const entry of entries) if (!(await isDemoNode(entry))) others.push(entry);
  if (others.length > 0) throw refuse(`holds files that are not the demo's (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`);
}

export async function runDemo(io: Io, options: { dir: string; port?: number }): Promise<void> {
  const first = options.port ?? DEMO_PORT;
  const root = resolve(options.dir);
  // The directory is recreated at every start: never under a demo that is running from it.
  for (const s of STATES) {
    const dir = new DataDir(resolve(root, s.code.toLowerCase()));
    const holder = await dir.holder();
    if (holder && holder.pid !== process.pid) {
      const url = (await dir.readPid())?.url;
      throw new CliError(
        `a demo is already running from ${root} (process ${holder.pid}${url ? `, ${url}` : ''}); starting another there would delete its data. ` +
          'Stop that one with Ctrl-C first, or run this one in another directory with --dir DIR (and other ports with --port N).',
      );
    }
  }
  await checkDemoDirectory(root);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true, mode: 0o700 });
  await writeFile(join(root, DEMO_MARK), 'This directory holds a Parley demo. `parley demo` deletes and recreates it at every start.\n');
  const nodes: RunningNodeHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.close()));
  };
  try {
    for (const [i, s] of STATES.entries()) {
      const dataDir = new DataDir(resolve(root, s.code.toLowerCase()));
      await dataDir.init({ stateCode: s.code, name: s.name, testState: true });
      const config = configFromEnv({ dataDir: dataDir.path, port: first + i, host: '127.0.0.1', logLevel: 'warn', databaseUrl: null });
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
    for (const [i, positions] of SAMPLE_POSITIONS.entries()) {
      for (const p of positions) await setNormPosition(nodes[i]!.ctx.domain, operator, p, { requestId: null });
    }
    await createConsultation(nodes[0]!.ctx.domain, operator, SAMPLE_CONSULTATION, { requestId: null });
    await setLegalBasis(nodes[0]!.ctx.domain, operator, 'XAB', { instruments: ['budapest_2001', 'un_cybercrime_2024'], articles: 'Budapest arts. 29–31; UN arts. 40–44', channel: 'network_24_7', notes: 'Fictional: both test states are parties to both conventions.' }, { requestId: null });
    await createRequest(nodes[0]!.ctx.domain, operator, SAMPLE_REQUEST, { requestId: null });
  } catch (e) {
    await stop();
    const taken = e as { code?: unknown; port?: unknown };
    if (taken.code === 'EADDRINUSE') {
      throw new CliError(
        `port ${String(taken.port)} on 127.0.0.1 is in use, and the demo needs ports ${first}, ${first + 1} and ${first + 2}. ` +
          // npm takes a --port before its `--` for itself, and the demo would fail on the same ports again.
          'If another demo is still running, stop it with Ctrl-C; or start this one on other ports with --port N (it takes N, N+1 and N+2; with npm: npm run demo -- --port N).',
      );
    }
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
  io.out('       On XAB, open Consultations: Aurelia raised an incident; acknowledge it and answer.');
  io.out('       On XAB, open Requests: Aurelia asks for data to be preserved; decide on it and watch the 60-day clock.');
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
