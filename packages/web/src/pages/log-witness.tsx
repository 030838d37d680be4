import type { ForkEvidence, WitnessOverviewResponse } from '@parley/core';
import { call } from '../api/client.js';
import { LoadStatus } from '../components/alerts.js';
import { CopyButton } from '../components/copy.js';
import { Page } from '../components/page.js';
import { StateLabel } from '../components/state-label.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';

const w = t.witness;

type PeerRow = WitnessOverviewResponse['peers'][number];

/** A checkpoint as a file: the signed note, byte for byte. */
const checkpointHref = (text: string) => `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;

/**
 * Witnessing, for administrators and anyone who reads the federation: how each peer's log
 * looked when last checked, who cosigned this node's log, and any evidence of a fork.
 */
export function LogWitnessPage() {
  const { result } = useLoad(() => call('witnessOverview'), []);
  return (
    <Page title={w.title} intro={w.intro}>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        <>
          <Forks forks={result.data.forks} />
          <Peers peers={result.data.peers} />
          <OwnLog self={result.data.self} />
        </>
      ) : null}
    </Page>
  );
}

function OwnLog({ self }: { self: WitnessOverviewResponse['self'] }) {
  return (
    <section aria-labelledby="witness-own-title">
      <h2 id="witness-own-title">{w.ownTitle}</h2>
      <dl className="record-facts">
        <div className="fact-wide">
          <dt>{w.origin}</dt>
          <dd className="mono">{self.origin}</dd>
        </div>
        <div>
          <dt>{w.checkpointSize}</dt>
          <dd>{self.checkpointSize ?? w.never}</dd>
        </div>
        <div className="fact-wide">
          <dt>{w.witnessKey}</dt>
          <dd>
            <span className="mono" id="witness-key">
              {self.witnessVerifierKey}
            </span>{' '}
            <CopyButton text={self.witnessVerifierKey} label={w.copyKey} sourceId="witness-key" />
            <br />
            <span className="muted">{w.witnessKeyHelp}</span>
          </dd>
        </div>
      </dl>
      <h3 id="witness-cosignatures-title">{w.cosignaturesTitle}</h3>
      {self.cosignatures.length === 0 ? (
        <p>{w.cosignaturesEmpty}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-labelledby="witness-cosignatures-title">
            <thead>
              <tr>
                <th scope="col">{w.cosignedBy}</th>
                <th scope="col">{w.cosignedSize}</th>
                <th scope="col">{w.cosignedAt}</th>
              </tr>
            </thead>
            <tbody>
              {self.cosignatures.map((c) => (
                <tr key={c.stateCode}>
                  <td>
                    <StateLabel code={c.stateCode} />
                  </td>
                  <td>{c.size}</td>
                  <td>{formatTime(c.signedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Peers({ peers }: { peers: PeerRow[] }) {
  return (
    <section aria-labelledby="witness-peers-title">
      <h2 id="witness-peers-title">{w.peersTitle}</h2>
      {peers.length === 0 ? (
        <p>{w.peersEmpty}</p>
      ) : (
        <ul className="records">
          {peers.map((peer) => (
            <PeerLog key={peer.stateCode} peer={peer} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PeerLog({ peer }: { peer: PeerRow }) {
  const healthy = peer.status === 'consistent';
  return (
    <li className="record">
      <h3 className="record-title">
        <StateLabel code={peer.stateCode} name={peer.name} />
      </h3>
      <p className="record-subtitle">
        <span className={`badge ${healthy ? 'badge-trusted' : 'badge-suspended'}`}>{w.statuses[peer.status] ?? peer.status}</span> {w.statusHelp[peer.status]}
      </p>
      {peer.problem ? <p role={peer.status === 'inconsistent' || peer.status === 'bad_signature' ? 'alert' : undefined}>{peer.problem}</p> : null}
      <dl className="record-facts">
        <div className="fact-wide">
          <dt>{w.origin}</dt>
          <dd className="mono">{peer.origin ?? w.never}</dd>
        </div>
        <div>
          <dt>{w.size}</dt>
          <dd>{peer.size ?? w.never}</dd>
        </div>
        <div>
          <dt>{w.witnessedAt}</dt>
          <dd>{peer.witnessedAt ? formatTime(peer.witnessedAt) : w.never}</dd>
        </div>
        <div>
          <dt>{w.checkedAt}</dt>
          <dd>{peer.checkedAt ? formatTime(peer.checkedAt) : w.never}</dd>
        </div>
        <div>
          <dt>{w.forksColumn}</dt>
          <dd>{peer.forks}</dd>
        </div>
        {peer.root ? (
          <div className="fact-wide">
            <dt>{w.root}</dt>
            <dd className="mono">{peer.root}</dd>
          </div>
        ) : null}
      </dl>
      {peer.checkpoint ? (
        <details>
          <summary>{w.showCheckpoint}</summary>
          <pre className="mono">{peer.checkpoint}</pre>
        </details>
      ) : null}
      {peer.refused && !healthy ? (
        <details>
          <summary>{w.showRefused}</summary>
          <pre className="mono">{peer.refused}</pre>
        </details>
      ) : null}
    </li>
  );
}

function Forks({ forks }: { forks: ForkEvidence[] }) {
  return (
    <section aria-labelledby="witness-forks-title">
      <h2 id="witness-forks-title">{w.forksTitle}</h2>
      {forks.length === 0 ? (
        <p>{w.forksNone}</p>
      ) : (
        <>
          <div className="alert alert-error" role="alert">
            <p>{w.forksIntro}</p>
          </div>
          <ul className="records">
            {forks.map((f) => (
              <li key={f.id} className="record">
                <h3 className="record-title">{w.forkOf(f.stateCode, f.origin)}</h3>
                <dl className="record-facts">
                  <div>
                    <dt>{w.detectedAt}</dt>
                    <dd>{formatTime(f.detectedAt)}</dd>
                  </div>
                  <div className="fact-wide">
                    <dt>{w.reason}</dt>
                    <dd>{f.reason}</dd>
                  </div>
                </dl>
                <SeenCheckpoint title={w.firstCheckpoint} seen={f.first} file={`checkpoint-${f.id}-1.txt`} />
                <SeenCheckpoint title={w.secondCheckpoint} seen={f.second} file={`checkpoint-${f.id}-2.txt`} />
                <p>
                  <a href={`/api/v1/log/witness/forks/${encodeURIComponent(f.id)}`} download={`fork-evidence-${f.origin}-${f.id}.json`}>
                    {w.downloadEvidence}
                  </a>
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function SeenCheckpoint({ title, seen, file }: { title: string; seen: ForkEvidence['first']; file: string }) {
  return (
    <div>
      <h4>{title}</h4>
      <dl className="record-facts">
        <div className="fact-wide">
          <dt>{w.source}</dt>
          <dd className="mono">{seen.source}</dd>
        </div>
        <div>
          <dt>{w.seenAt}</dt>
          <dd>{formatTime(seen.seenAt)}</dd>
        </div>
      </dl>
      <pre className="mono">{seen.checkpoint}</pre>
      <p>
        <a href={checkpointHref(seen.checkpoint)} download={file}>
          {w.downloadCheckpoint}
        </a>
      </p>
    </div>
  );
}
