import type { Check, Contact, Peer, ResponseOf } from '@parley/core';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, call, describeError } from '../api/client.js';
import { ErrorFor, ErrorMessage, ErrorSummary, type FieldRef, LoadStatus } from '../components/alerts.js';
import { SelectField, TextField } from '../components/fields.js';
import { useFlash } from '../components/flash.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { actorName, formatDeadline, formatDuration, formatTime, isolate, messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { may } from '../permissions.js';
import { useUser } from '../session.js';
import { useLoad } from '../use-load.js';
import { useNow, usePoll } from '../use-now.js';

type StateDirectory = ResponseOf<'federationDirectory'>['states'][number];

const k = t.checks;

/** Other states answer on their own time; the page looks again this often while it is open. */
const POLL_MS = 5_000;

export function ChecksPage() {
  const user = useUser();
  const canStart = may(user.role, 'checks.start');
  const canConfirm = may(user.role, 'checks.confirm');
  const flash = useFlash();
  const now = useNow();

  const checks = useLoad(() => call('listChecks').then((r) => r.checks), [], { keepOnError: true });
  const setting = useLoad(
    () => Promise.all([call('listPeers'), call('listContacts', { query: { status: 'all' } })]).then(([p, c]) => ({ peers: p.peers, contacts: c.contacts })),
    [],
  );
  // The names of the other states' points of contact come from their directories, which they
  // send again after each confirmation, so both are asked for again together.
  const directory = useLoad(() => call('federationDirectory').then((r) => r.states), [], { keepOnError: true });
  const { reload: reloadChecks } = checks;
  const { reload: reloadDirectory } = directory;
  usePoll(
    useCallback(() => {
      reloadChecks();
      reloadDirectory();
    }, [reloadChecks, reloadDirectory]),
    POLL_MS,
  );

  const all = checks.result.status === 'ready' ? checks.result.data : [];
  const peers = setting.result.status === 'ready' ? setting.result.data.peers : [];
  const contacts = setting.result.status === 'ready' ? setting.result.data.contacts : [];
  const states = directory.result.status === 'ready' ? directory.result.data : [];
  const peerName = useCallback((code: string) => peers.find((p) => p.stateCode === code)?.name ?? null, [peers]);

  const awaiting = all.filter((c) => c.direction === 'incoming' && !c.confirmedAt);
  const answered = all.filter((c) => c.direction === 'incoming' && c.confirmedAt);
  const sent = all.filter((c) => c.direction === 'outgoing');

  const awaitingHeading = useRef<HTMLHeadingElement>(null);
  const [confirmProblem, setConfirmProblem] = useState<string | null>(null);

  return (
    <Page title={k.title} intro={k.intro}>
      <p>
        <Link href="/checks/history">{k.historyLink}</Link>
      </p>
      <LoadStatus result={checks.result} />
      {checks.result.status === 'ready' && checks.reloadError ? (
        <div className="alert alert-warning" role="status">
          <p>{k.stale(describeError(checks.reloadError))}</p>
        </div>
      ) : null}
      {setting.result.status === 'failed' ? <ErrorFor error={setting.result.error} /> : null}

      <section className={`panel${awaiting.length ? ' panel-attention' : ''}`} aria-labelledby="awaiting-title">
        <h2 id="awaiting-title" tabIndex={-1} ref={awaitingHeading}>
          {k.awaitingTitle}
          {awaiting.length ? ' ' : null}
          {awaiting.length ? <span className="count-badge count-badge-light">{awaiting.length}</span> : null}
        </h2>
        {confirmProblem ? (
          <ErrorMessage takeFocus>
            <p>{confirmProblem}</p>
          </ErrorMessage>
        ) : null}
        {checks.result.status === 'ready' && awaiting.length === 0 ? <p>{k.awaitingNone}</p> : null}
        {awaiting.length ? (
          <ul className="records">
            {awaiting.map((c) => (
              <IncomingCheck
                key={c.id}
                check={c}
                peerName={peerName(c.peer)}
                contacts={contacts.filter((x) => x.status === 'active')}
                contactsReady={setting.result.status === 'ready'}
                canConfirm={canConfirm}
                defaultName={user.displayName}
                now={now}
                onConfirmed={(confirmed) => {
                  setConfirmProblem(null);
                  checks.set(all.map((x) => (x.id === confirmed.id ? confirmed : x)));
                  flash(k.confirmed(confirmed.peer));
                  awaitingHeading.current?.focus();
                }}
                onAlreadyConfirmed={(detail) => {
                  setConfirmProblem(`${k.alreadyConfirmed} ${detail}`);
                  checks.reload();
                }}
              />
            ))}
          </ul>
        ) : null}
      </section>

      {canStart && setting.result.status === 'ready' ? (
        <StartCheckForm
          peers={peers.filter((p) => p.status === 'trusted')}
          onStarted={(started) => {
            checks.set([...started, ...all]);
            flash(k.started(started.map((c) => c.peer).join(', ')));
          }}
        />
      ) : null}

      <section aria-labelledby="sent-title">
        <h2 id="sent-title">{k.sentTitle}</h2>
        {checks.result.status === 'ready' && sent.length === 0 ? <p>{k.sentNone}</p> : null}
        {sent.length ? (
          <ul className="records">
            {rounds(sent).map((round) => (
              <SentRound key={round[0]!.id} checks={round} peerName={peerName} states={states} now={now} />
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="received-title">
        <h2 id="received-title">{k.receivedTitle}</h2>
        {checks.result.status === 'ready' && answered.length === 0 ? <p>{k.receivedNone}</p> : null}
        {answered.length ? (
          <ul className="records">
            {answered.map((c) => (
              <AnsweredCheck key={c.id} check={c} peerName={peerName(c.peer)} contacts={contacts} />
            ))}
          </ul>
        ) : null}
      </section>
    </Page>
  );
}

/**
 * Checks started together (one request to several states) form a round: the node gives each
 * state its own check, started within moments of the others, by the same person.
 */
export function rounds(sent: Check[]): Check[][] {
  const out: Check[][] = [];
  for (const c of sent) {
    const last = out[out.length - 1];
    const first = last?.[0];
    if (
      last &&
      first &&
      first.startedBy === c.startedBy &&
      Math.abs(Date.parse(first.startedAt) - Date.parse(c.startedAt)) < 5_000 &&
      Math.abs(Date.parse(first.deadline) - Date.parse(c.deadline)) < 5_000
    ) {
      last.push(c);
    } else {
      out.push([c]);
    }
  }
  return out;
}

export function StatusBadge({ check }: { check: Check }) {
  const label = check.direction === 'incoming' ? (k.incomingStatuses[check.status] ?? k.statuses[check.status]) : k.statuses[check.status];
  return <span className={`badge badge-check-${check.status}`}>{label ?? check.status}</span>;
}

/** "Confirm by 25 Nov 2026, 17:19 (due in 1 h 20 min)", or without the relative part once settled. */
function Deadline({ deadline, open, now }: { deadline: string; open: boolean; now: number }) {
  return (
    <>
      {formatTime(deadline)}
      {open ? (
        <>
          {' '}
          <span className={Date.parse(deadline) < now ? 'overdue' : 'due'}>({formatDeadline(deadline, now)})</span>
        </>
      ) : null}
    </>
  );
}

const confirmFields = (id: string): FieldRef[] => [
  { path: 'contact', id: `confirm-${id}-contact`, label: k.contact },
  { path: 'confirmedBy', id: `confirm-${id}-name`, label: k.yourName },
];

function IncomingCheck({
  check: c,
  peerName,
  contacts,
  contactsReady,
  canConfirm,
  defaultName,
  now,
  onConfirmed,
  onAlreadyConfirmed,
}: {
  check: Check;
  peerName: string | null;
  contacts: Contact[];
  contactsReady: boolean;
  canConfirm: boolean;
  defaultName: string;
  now: number;
  onConfirmed: (c: Check) => void;
  onAlreadyConfirmed: (detail: string) => void;
}) {
  const [contact, setContact] = useState('');
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fields = confirmFields(c.id);
  const titleId = `incoming-${c.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onConfirmed(await call('confirmCheck', { id: c.id, body: { contact, confirmedBy: name } }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'check_already_confirmed') onAlreadyConfirmed(err.detail);
      else setError(err);
      setBusy(false);
    }
  };
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);

  return (
    <li className="record record-attention">
      <h3 className="record-title" id={titleId}>
        {k.awaitingFrom(c.peer, peerName ?? c.peer)}
      </h3>
      <p className="record-subtitle">
        <StatusBadge check={c} /> {k.awaitingHelp}
      </p>
      <dl className="record-facts">
        <div>
          <dt>{k.received}</dt>
          <dd>{formatTime(c.deliveredAt ?? c.startedAt)}</dd>
        </div>
        <div>
          <dt>{k.deadline}</dt>
          <dd>
            <Deadline deadline={c.deadline} open={!c.confirmedAt} now={now} />
          </dd>
        </div>
        {c.note ? (
          <div>
            <dt>{k.theirNote}</dt>
            <dd dir="auto">{c.note}</dd>
          </div>
        ) : null}
      </dl>
      {!canConfirm ? (
        <p className="muted">{k.cannotConfirm}</p>
      ) : contactsReady && contacts.length === 0 ? (
        <div className="alert alert-warning">
          <p>{k.noContacts}</p>
          <p>
            <Link href="/contacts/new">{k.addContact}</Link>
          </p>
        </div>
      ) : (
        <form className="form narrow" onSubmit={submit} noValidate aria-labelledby={titleId}>
          <ErrorSummary error={error} fields={fields} />
          <SelectField
            id={`confirm-${c.id}-contact`}
            label={k.contact}
            hint={k.contactHint}
            value={contact}
            options={[{ value: '', label: k.contactChoose }, ...contacts.map((x) => ({ value: x.id, label: `${isolate(x.name)} — ${t.contacts.kinds[x.kind]}` }))]}
            onChange={setContact}
            errors={errorsFor('contact')}
          />
          <TextField
            id={`confirm-${c.id}-name`}
            label={k.yourName}
            hint={k.yourNameHint(c.peer)}
            autoComplete="name"
            maxChars={limits.check.confirmedBy}
            value={name}
            onChange={setName}
            errors={errorsFor('confirmedBy')}
          />
          <div className="actions">
            <button type="submit" className="button" disabled={busy} aria-label={busy ? undefined : k.confirmNamed(c.peer)}>
              {busy ? k.confirming : k.confirm}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}

const startFields = (): FieldRef[] => [
  { path: 'peers', id: 'check-to', label: k.startTo },
  { path: 'minutes', id: 'check-minutes', label: k.minutes },
  { path: 'note', id: 'check-note', label: k.note },
];

function StartCheckForm({ peers, onStarted }: { peers: Peer[]; onStarted: (checks: Check[]) => void }) {
  const [to, setTo] = useState('all');
  const [minutes, setMinutes] = useState('120');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (to !== 'all' && !peers.some((p) => p.stateCode === to)) setTo('all');
  }, [peers, to]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const typed = minutes.trim();
    const n = Number(typed);
    // The field starts at 120, so an empty one was cleared on purpose: it is not read as the default.
    const problem = typed === '' ? k.minutesRequired : !Number.isInteger(n) ? k.minutesWhole : n < limits.check.minutesMin ? k.minutesTooFew : n > limits.check.minutesMax ? k.minutesTooMany : null;
    if (problem) {
      setError(new ApiError(0, 'validation_failed', t.common.checkFields, [{ path: 'minutes', message: problem }]));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = {
        ...(to === 'all' ? {} : { peers: [to] }),
        minutes: n,
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      onStarted((await call('startCheck', { body })).checks);
      setNote('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const errorsFor = (path: string) => (error instanceof ApiError ? error.forField(path) : undefined);

  return (
    <section className="panel" aria-labelledby="start-check-title">
      <h2 id="start-check-title">{k.startTitle}</h2>
      {peers.length === 0 ? (
        <>
          <p>{k.noPeers}</p>
          <p>
            <Link href="/peers">{k.goToPeers}</Link>
          </p>
        </>
      ) : (
        <>
          <ErrorSummary error={error} fields={startFields()} />
          <form className="form narrow" onSubmit={submit} noValidate>
            <SelectField
              id="check-to"
              label={k.startTo}
              value={to}
              options={[
                { value: 'all', label: k.startAll(peers.length) },
                ...peers.map((p) => ({ value: p.stateCode, label: t.common.stateOption(p.stateCode, p.name) })),
              ]}
              onChange={setTo}
              errors={errorsFor('peers')}
            />
            <TextField
              id="check-minutes"
              label={k.minutes}
              hint={k.minutesHint}
              type="number"
              inputMode="numeric"
              min={limits.check.minutesMin}
              max={limits.check.minutesMax}
              step={1}
              className="input-short"
              value={minutes}
              onChange={setMinutes}
              errors={errorsFor('minutes')}
            />
            <TextField id="check-note" label={k.note} hint={k.noteHint} optional maxChars={limits.check.note} value={note} onChange={setNote} errors={errorsFor('note')} />
            <div className="actions">
              <button type="submit" className="button" disabled={busy}>
                {busy ? k.starting : k.start}
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}

/** Who confirmed, for which point of contact, named from the other state's own directory. */
function confirmer(c: Check, contactName: string | null): string {
  if (!c.confirmedBy) return '';
  // The node names a peer's contact only when it is in that peer's directory as held here.
  if (c.confirmedContactUnlisted) return k.confirmedForUnlisted(c.confirmedBy, c.peer);
  return c.confirmedContact ? k.confirmedByWhom(c.confirmedBy, contactName ?? k.aContact) : k.confirmedByOnly(c.confirmedBy);
}

function SentRound({ checks, peerName, states, now }: { checks: Check[]; peerName: (code: string) => string | null; states: StateDirectory[]; now: number }) {
  const first = checks[0]!;
  const titleId = `round-${first.id}`;
  const contactName = (c: Check) => states.find((s) => s.stateCode === c.peer)?.contacts.find((x) => x.id === c.confirmedContact)?.name ?? null;
  return (
    <li className="record">
      <h3 className="record-title" id={titleId}>
        {k.sentRound(formatTime(first.startedAt))} <span className="muted">{k.sentBy(actorName(first.startedBy))}</span>
      </h3>
      <p className="record-subtitle">
        {k.deadline}: <Deadline deadline={first.deadline} open={checks.some((c) => !c.confirmedAt)} now={now} />
      </p>
      <ul className="results" aria-labelledby={titleId}>
        {checks.map((c) => (
          <li key={c.id} className={`result result-${c.status}`}>
            <p className="result-title">
              <StateLabel code={c.peer} name={peerName(c.peer)} /> <StatusBadge check={c} />
            </p>
            <dl className="record-facts">
              <div>
                <dt>{k.delivered}</dt>
                <dd>
                  {c.deliveredAt ? (
                    k.deliveredAt(formatTime(c.deliveredAt), formatDuration(c.deliverySeconds))
                  ) : (
                    <>
                      {k.notDelivered} <Link href={`/messages?recipient=${c.peer}`}>{k.seeMessages(c.peer)}</Link>
                    </>
                  )}
                </dd>
              </div>
              <div>
                <dt>{k.confirmedByPerson}</dt>
                <dd>
                  {c.confirmedAt ? (
                    <>
                      {k.confirmedAt(formatTime(c.confirmedAt), formatDuration(c.confirmationSeconds))}
                      <br />
                      {confirmer(c, contactName(c))}
                    </>
                  ) : c.status === 'missed' ? (
                    k.neverConfirmed
                  ) : (
                    k.notConfirmed
                  )}
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </li>
  );
}

function AnsweredCheck({ check: c, peerName, contacts }: { check: Check; peerName: string | null; contacts: Contact[] }) {
  const contactName = contacts.find((x) => x.id === c.confirmedContact)?.name ?? null;
  return (
    <li className="record">
      <h3 className="record-title">
        <StateLabel code={c.peer} name={peerName} /> <StatusBadge check={c} />
      </h3>
      <dl className="record-facts">
        <div>
          <dt>{k.received}</dt>
          <dd>{formatTime(c.deliveredAt ?? c.startedAt)}</dd>
        </div>
        <div>
          <dt>{k.deadline}</dt>
          <dd>{formatTime(c.deadline)}</dd>
        </div>
        <div>
          <dt>{k.confirmedByPerson}</dt>
          <dd>
            {c.confirmedAt ? formatTime(c.confirmedAt) : k.neverConfirmed}
            {c.confirmedAt ? (
              <>
                <br />
                {confirmer(c, contactName)}
              </>
            ) : null}
          </dd>
        </div>
      </dl>
    </li>
  );
}
