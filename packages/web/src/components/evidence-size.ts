import { messages as t } from '../i18n/index.js';

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** A size as file managers show it (decimal units: 1 MB = 1,000,000 bytes). */
export function formatSize(bytes: number): string {
  const units = t.evidence.units;
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? String(bytes) : number.format(v)} ${units[i]}`;
}

export const percentOf = (done: number, total: number) => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100);
