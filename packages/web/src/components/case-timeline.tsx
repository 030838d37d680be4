import type { ConsultationDetail, ConsultationEvent } from '@parley/core';
import type { ReactNode, RefObject } from 'react';
import { formatTime, messages as t } from '../i18n/index.js';
import { CopyButton } from './copy.js';
import { DownloadProof } from './download-proof.js';
import { StateLabel } from './state-label.js';

/*
 * The parts of a case page that consultations and cooperation requests share: the evidence of a
 * case (items named by SHA-256, as both nodes hold them), the timeline of signed steps and the
 * thread's integrity. A case kind passes its own words for its steps and outcomes.
 */

const k = t.consultations;
const d = k.detail;

export type CaseEvidenceItem = ConsultationDetail['evidence'][number];

/** What a case kind calls its steps and outcomes; consultations' words by default. */
export interface TimelineWords {
  events: Record<string, string>;
  outcomes: Record<string, string>;
  notApplied: (why: string) => string;
}

const consultationWords = (): TimelineWords => ({ events: k.events, outcomes: k.outcomes, notApplied: k.notApplied });

const sizeFormat = new Intl.NumberFormat('en');

/** The evidence items of a case or of one step: name (a download link when held here), status, size, SHA-256. */
export function CaseEvidenceList({ items }: { items: readonly CaseEvidenceItem[] }) {
  if (!items.length) return <p>{k.evidence.none}</p>;
  return (
    <ul className="records evidence-items">
      {items.map((e) => {
        const available = e.evidenceId && (e.status === 'stored' || e.status === 'received');
        return (
          <li key={e.sha256} className={`record${e.status === 'failed' ? ' record-failed' : ''}`}>
            <p className="record-title record-title-small break">
              {available ? (
                <a href={`/api/v1/evidence/${encodeURIComponent(e.evidenceId!)}/content`} download aria-label={k.evidence.download(e.name)} dir="auto">
                  {e.name}
                </a>
              ) : (
                <span dir="auto">{e.name}</span>
              )}{' '}
              <span className={`badge badge-evidence-${e.status}`}>{k.evidence.statuses[e.status] ?? e.status}</span>
            </p>
            {e.malware ? <p className="alert alert-warning">{k.evidence.malware}</p> : null}
            <dl className="record-facts">
              <div>
                <dt>{k.evidence.size}</dt>
                <dd>{k.evidence.bytes(sizeFormat.format(e.size))}</dd>
              </div>
              <div className="fact-wide">
                <dt>{k.evidence.sha256}</dt>
                <dd className="mono small">{e.sha256}</dd>
              </div>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Every signed step of both states, oldest first, with its delivery and proof. `extra` adds what a
 * case kind's steps carry beyond text and evidence (a decision, a chain of custody).
 */
export function CaseTimeline({
  events,
  side,
  headingRef,
  words = consultationWords(),
  extra,
  className = 'consultation-timeline',
}: {
  events: readonly ConsultationEvent[];
  side: ConsultationEvent['side'];
  headingRef: RefObject<HTMLHeadingElement | null>;
  words?: TimelineWords;
  extra?: (e: ConsultationEvent) => ReactNode;
  className?: string;
}) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title" tabIndex={-1} ref={headingRef}>
        {d.timelineTitle}
      </h2>
      <p className="muted">{d.timelineIntro}</p>
      <ol className={`timeline ${className}`}>
        {events.map((e) => (
          <TimelineEntry key={e.id} e={e} side={side} words={words} extra={extra} />
        ))}
      </ol>
    </section>
  );
}

function TimelineEntry({ e, side, words, extra }: { e: ConsultationEvent; side: ConsultationEvent['side']; words: TimelineWords; extra: ((e: ConsultationEvent) => ReactNode) | undefined }) {
  const ours = e.side === side;
  return (
    <li className={`timeline-entry event event-${ours ? 'ours' : 'theirs'}${e.notApplied ? ' event-not-applied' : ''}`} data-action={e.action}>
      <h3 className="timeline-title">{words.events[e.action] ?? e.action}</h3>
      <p className="timeline-meta">
        <StateLabel code={e.state} /> <span dir="auto">{e.actor}</span> · <time dateTime={e.at}>{formatTime(e.at)}</time>
      </p>
      {e.text ? (
        <p className="prewrap consultation-text" dir="auto">
          {e.text}
        </p>
      ) : null}
      {e.outcome ? <p className="event-outcome">{k.outcomeWas(words.outcomes[e.outcome] ?? e.outcome)}</p> : null}
      {e.attributionReply ? (
        <p>
          <strong>{k.replies[e.attributionReply.position] ?? e.attributionReply.position}</strong>
          {e.attributionReply.reasons ? (
            <>
              :{' '}
              <span className="prewrap" dir="auto">
                {e.attributionReply.reasons}
              </span>
            </>
          ) : null}
        </p>
      ) : null}
      {extra ? extra(e) : null}
      {e.evidence.length ? (
        <>
          <p className="label-secondary">{k.attachments}</p>
          <CaseEvidenceList items={e.evidence} />
        </>
      ) : null}
      {e.notApplied ? <p className="alert alert-warning">{words.notApplied(e.notApplied)}</p> : null}
      {e.delivery ? (
        <p className={`delivery delivery-${e.delivery.status}`}>
          {e.delivery.status === 'delivered'
            ? e.delivery.at
              ? k.delivery.delivered(formatTime(e.delivery.at))
              : k.delivery.deliveredNoTime
            : e.delivery.status === 'failed'
              ? k.delivery.failed(e.delivery.error ?? '')
              : k.delivery.queued}
        </p>
      ) : !ours && e.envelopeHash ? (
        <p className="delivery delivery-received">{k.receivedStep}</p>
      ) : null}
      {e.envelopeHash && (!ours || e.delivery?.status === 'delivered') ? <DownloadProof hash={e.envelopeHash} /> : null}
    </li>
  );
}

/** The thread's digest (the same on both nodes when their threads agree) and any problem found in the chain. */
export function CaseIntegrity({ integrity }: { integrity: ConsultationDetail['integrity'] }) {
  const { digest, messages, problems } = integrity;
  return (
    <section aria-labelledby="integrity-title">
      <h2 id="integrity-title">{d.integrityTitle}</h2>
      <p className="muted">{d.integrityIntro}</p>
      {digest ? (
        <dl className="facts">
          <div>
            <dt>{d.digest}</dt>
            <dd>
              <span className="mono thread-digest" id="thread-digest" data-digest={digest} title={digest}>
                {d.digestShort(digest.slice(0, 16))}
              </span>
              <br />
              <span className="muted">{d.messages(messages)}</span>
              <br />
              <CopyButton text={digest} label={d.copyDigest} />
            </dd>
          </div>
        </dl>
      ) : (
        <p>{d.noDigest}</p>
      )}
      {problems.length ? (
        <div className="alert alert-warning" role="status">
          <p className="alert-title">{d.problemsTitle}</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p>{d.noProblems}</p>
      )}
    </section>
  );
}
