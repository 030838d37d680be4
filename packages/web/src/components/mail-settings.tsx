import { useState, type FormEvent } from 'react';
import { call } from '../api/client.js';
import { ErrorFor, LoadStatus } from './alerts.js';
import { CheckboxField } from './fields.js';
import { useFlash } from './flash.js';
import { messages as t } from '../i18n/index.js';
import { useLoad } from '../use-load.js';

const m = t.mail;

/** "Your settings": the signed-in person's own choice of notification e-mail. */
export function MailSettings() {
  const flash = useFlash();
  const { result, set } = useLoad(() => call('myPreferences'), []);
  const [wanted, setWanted] = useState<boolean | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (result.status !== 'ready') return;
    const emailNotifications = wanted ?? result.data.emailNotifications;
    setSaving(true);
    setError(null);
    try {
      const saved = await call('updateMyPreferences', { body: { emailNotifications } });
      set(saved);
      setWanted(null);
      flash(saved.emailNotifications ? m.savedOn : m.savedOff);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby="my-settings-title" className="panel">
      <h2 id="my-settings-title">{m.settingsTitle}</h2>
      <LoadStatus result={result} />
      {result.status === 'ready' ? (
        <form onSubmit={submit} noValidate>
          {error ? <ErrorFor error={error} /> : null}
          <CheckboxField
            id="email-notifications"
            label={m.emailLabel}
            hint={result.data.mailConfigured ? m.emailHint : `${m.emailHint} ${m.notConfigured}`}
            checked={wanted ?? result.data.emailNotifications}
            onChange={setWanted}
          />
          <div className="actions">
            <button type="submit" className="button" disabled={saving}>
              {saving ? m.saving : m.save}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
