import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { SelectField, TextField } from '../components/fields.js';
import { messages as t } from '../i18n/index.js';
import { limits } from '../limits.js';
import { INDICATOR_TYPES, type Indicator, type IndicatorType, type tlpLevels } from './values.js';

type Tlp = (typeof tlpLevels)[number];

/**
 * The protocol's checks, fetched the first time they are needed (they bring zod with them), or
 * null after saying why through `report`: the node cannot be reached, or its web interface was
 * rebuilt since this page was loaded and no longer holds the file of this page's build.
 */
const protocol = (report: (message: string) => void) =>
  import('./protocol.js').catch(() => {
    report(ki.checksNotLoaded);
    return null;
  });

const k = t.consultations;
const ki = k.indicators;

interface Preview {
  indicators: Indicator[];
  rejected: { key: string; reason: string }[];
  tlp: Tlp | undefined;
}

const keyOf = (i: Indicator) => `${i.type} ${i.value}`;

/** The indicators of a consultation as a table, with the three ways to add more, each previewed first. */
export function IndicatorEditor({
  value,
  onChange,
  errors,
}: {
  value: Indicator[];
  onChange: (next: Indicator[]) => void;
  /** The node's messages about the list, already worded for people. */
  errors: string[];
}) {
  const [paste, setPaste] = useState('');
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [stixErrors, setStixErrors] = useState<string[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [oneType, setOneType] = useState<IndicatorType>('ipv4');
  const [oneValue, setOneValue] = useState('');
  const [oneError, setOneError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const previewHeading = useRef<HTMLHeadingElement>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (preview) previewHeading.current?.focus();
  }, [preview]);

  const have = new Set(value.map(keyOf));

  const readPaste = async () => {
    if (!paste.trim()) {
      setPasteError(ki.pasteEmpty);
      return;
    }
    setPasteError(null);
    const checks = await protocol(setPasteError);
    if (!checks) return;
    const r = checks.parseIndicators(paste);
    setPreview({ indicators: r.indicators, rejected: r.rejected.map((x, i) => ({ key: `${x.line}-${i}`, reason: x.reason })), tlp: undefined });
  };

  const readStix = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setStixErrors([]);
    if (!file) return;
    const text = await file.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      setStixErrors([ki.stixNotJson((err as Error).message)]);
      return;
    }
    const checks = await protocol((message) => setStixErrors([message]));
    if (!checks) return;
    const { StixBundleError, stixBundleToIndicators } = checks;
    try {
      const r = stixBundleToIndicators(json);
      setPreview({ indicators: r.indicators, rejected: r.rejected.map((x, i) => ({ key: `${x.path}-${i}`, reason: x.reason })), tlp: r.tlp });
    } catch (err) {
      if (err instanceof StixBundleError) setStixErrors(err.issues.slice(0, 20).map((i) => `${i.path} ${i.message}`));
      else setStixErrors([t.errors.unexpected]);
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const addPreview = () => {
    if (!preview) return;
    const fresh = preview.indicators.filter((i) => !have.has(keyOf(i)));
    onChange([...value, ...fresh]);
    setAnnouncement(ki.added(fresh.length));
    setPreview(null);
    setPaste('');
    listHeading.current?.focus();
  };

  const discard = () => {
    setPreview(null);
    document.getElementById('indicators-paste')?.focus();
  };

  const addOne = async () => {
    const checks = await protocol(setOneError);
    if (!checks) return;
    const r = checks.checkIndicator(oneType, oneValue);
    if (!r.ok) {
      setOneError(r.reason);
      return;
    }
    setOneError(null);
    if (!have.has(`${oneType} ${r.value}`)) onChange([...value, { type: oneType, value: r.value }]);
    setOneValue('');
    setAnnouncement(ki.added(1));
  };

  const remove = (i: Indicator) => {
    onChange(value.filter((x) => keyOf(x) !== keyOf(i)));
    setAnnouncement(ki.removed(i.value));
    listHeading.current?.focus();
  };

  const already = preview ? preview.indicators.filter((i) => have.has(keyOf(i))).length : 0;

  return (
    <div className={`field${errors.length ? ' field-invalid' : ''}`}>
      <p className="hint">{ki.intro}</p>
      {errors.length ? (
        <p className="field-message" id="indicators-error">
          {errors.join(' ')}
        </p>
      ) : null}
      <h3 tabIndex={-1} ref={listHeading} id="indicators-list">
        {ki.current(value.length)}
      </h3>
      {value.length ? <IndicatorTable indicators={value} onRemove={remove} caption={ki.current(value.length)} /> : null}

      <TextAreaPaste value={paste} onChange={setPaste} error={pasteError} />
      <div className="actions">
        <button type="button" className="button button-secondary" onClick={() => void readPaste()}>
          {ki.read}
        </button>
      </div>

      <div className={`field${stixErrors.length ? ' field-invalid' : ''}`}>
        <label className="label" htmlFor="indicators-stix">
          {ki.stix}
          <span className="optional"> {t.common.optional}</span>
        </label>
        <p className="hint" id="indicators-stix-hint">
          {ki.stixHint}
        </p>
        {stixErrors.length ? (
          <div className="field-message" id="indicators-stix-error">
            <p>{ki.stixInvalid}</p>
            <ul>
              {stixErrors.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <input
          ref={fileInput}
          className="file-input"
          type="file"
          id="indicators-stix"
          accept=".json,application/json,application/stix+json"
          onChange={(e) => void readStix(e)}
          aria-describedby={['indicators-stix-hint', stixErrors.length ? 'indicators-stix-error' : ''].filter(Boolean).join(' ')}
          aria-invalid={stixErrors.length ? true : undefined}
        />
      </div>

      {preview ? (
        <section className="preview" aria-labelledby="indicators-preview-title">
          <h3 id="indicators-preview-title" tabIndex={-1} ref={previewHeading}>
            {ki.previewTitle}
          </h3>
          {preview.tlp ? (
            <p className="alert alert-info">{ki.stixTlp(`TLP:${preview.tlp}`)}</p>
          ) : null}
          <p>{ki.recognised(preview.indicators.length)}</p>
          {preview.indicators.length ? <IndicatorTable indicators={preview.indicators} caption={ki.recognised(preview.indicators.length)} /> : null}
          {already ? <p>{ki.already(already)}</p> : null}
          {preview.rejected.length ? (
            <>
              <p>{ki.rejected(preview.rejected.length)}</p>
              <ul className="rejected-lines">
                {preview.rejected.map((r) => (
                  <li key={r.key}>{r.reason}</li>
                ))}
              </ul>
            </>
          ) : null}
          <div className="actions">
            {preview.indicators.length ? (
              <button type="button" className="button" onClick={addPreview}>
                {ki.addRecognised(preview.indicators.length - already)}
              </button>
            ) : null}
            <button type="button" className="button button-secondary" onClick={discard}>
              {ki.discard}
            </button>
          </div>
        </section>
      ) : null}

      <fieldset className="fieldset field">
        <legend className="label label-secondary">{ki.one}</legend>
        <div className="toolbar toolbar-start">
          <SelectField
            id="indicator-one-type"
            label={ki.type}
            value={oneType}
            options={INDICATOR_TYPES.map((x) => ({ value: x, label: k.indicatorTypes[x] ?? x }))}
            onChange={setOneType}
          />
          <TextField
            id="indicator-one-value"
            label={ki.value}
            spellCheck={false}
            autoComplete="off"
            maxChars={limits.indicator.value}
            value={oneValue}
            onChange={setOneValue}
            errors={oneError ? [oneError] : undefined}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void addOne();
              }
            }}
          />
          <button type="button" className="button button-secondary" onClick={() => void addOne()}>
            {ki.add}
          </button>
        </div>
      </fieldset>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </div>
  );
}

function TextAreaPaste({ value, onChange, error }: { value: string; onChange: (v: string) => void; error: string | null }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label className="label" htmlFor="indicators-paste">
        {ki.paste}
        <span className="optional"> {t.common.optional}</span>
      </label>
      <p className="hint" id="indicators-paste-hint">
        {ki.pasteHint}
      </p>
      {error ? (
        <p className="field-message" id="indicators-paste-error">
          {error}
        </p>
      ) : null}
      <textarea
        className="input textarea mono"
        id="indicators-paste"
        rows={6}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={['indicators-paste-hint', error ? 'indicators-paste-error' : ''].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

/** Indicators as a table of type and value; with `onRemove`, each row has a Remove button. */
export function IndicatorTable({ indicators, caption, onRemove }: { indicators: readonly { type: string; value: string }[]; caption: string; onRemove?: (i: Indicator) => void }) {
  return (
    <div className="table-wrap">
      <table className="table indicators">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="col-type">
              {ki.type}
            </th>
            <th scope="col">{ki.value}</th>
            {onRemove ? (
              <th scope="col" className="col-action">
                <span className="visually-hidden">{ki.remove}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {indicators.map((i) => (
            <tr key={`${i.type} ${i.value}`}>
              <td>{k.indicatorTypes[i.type] ?? i.type}</td>
              <td className="mono">{i.value}</td>
              {onRemove ? (
                <td>
                  <button type="button" className="button button-secondary button-small" onClick={() => onRemove(i as Indicator)} aria-label={ki.removeNamed(i.value)}>
                    {ki.remove}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
