import { LoadStatus } from '../components/alerts.js';
import { CopyButton } from '../components/copy.js';
import { Page } from '../components/page.js';
import { call } from '../api/client.js';
import { formatTime, messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';

export function NodePage() {
  const { result } = useLoad(() => call('node'), []);
  return (
    <Page title={t.node.title} intro={t.node.intro}>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t.node.state}</dt>
              <dd dir="auto">{result.data.stateName}</dd>
            </div>
            <div>
              <dt>{t.node.stateCode}</dt>
              <dd className="mono">{result.data.stateCode}</dd>
            </div>
            <div>
              <dt>{t.node.name}</dt>
              <dd dir="auto">{result.data.name}</dd>
            </div>
            <div>
              <dt>{t.node.created}</dt>
              <dd>{formatTime(result.data.createdAt)}</dd>
            </div>
            <div>
              <dt>{t.node.version}</dt>
              <dd>{result.data.version}</dd>
            </div>
          </dl>
          <section className="panel" aria-labelledby="fingerprint-title">
            <h2 id="fingerprint-title">{t.node.fingerprintTitle}</h2>
            <p className="fingerprint mono" id="fingerprint">
              {result.data.fingerprint}
            </p>
            <CopyButton text={result.data.fingerprint} label={t.node.copyFingerprint} sourceId="fingerprint" />
            <p>{t.node.fingerprintHelp}</p>
          </section>
        </>
      ) : null}
    </Page>
  );
}
