import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { daysLeft, needsAction, PreservationClock, requestStatusWords } from './parts.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 25, 12);
const iso = (ms: number) => new Date(ms).toISOString();

describe('daysLeft', () => {
  it('counts whole days up, so that 30 hours left are 2 days', () => {
    expect(daysLeft(iso(now + 30 * 3600_000), now)).toBe(2);
    expect(daysLeft(iso(now + 60 * DAY), now)).toBe(60);
  });
  it('is 0 under a day and negative once the preservation has ended', () => {
    expect(daysLeft(iso(now + 3600_000), now)).toBe(0);
    expect(daysLeft(iso(now - 2 * DAY), now)).toBe(-2);
  });
});

describe('PreservationClock', () => {
  const render = (preservation: 'none' | 'running' | 'lapsing' | 'lapsed', until: string | null) =>
    renderToStaticMarkup(createElement(PreservationClock, { preserveUntil: until, preservation }));
  it('shows nothing when no preservation runs', () => {
    expect(render('none', null)).toBe('');
  });
  it('says in words that a preservation is lapsing or has lapsed, not only by colour', () => {
    expect(render('running', iso(Date.now() + 40 * DAY))).toMatch(/^<span class="preservation-clock preservation-running">Preserved until .+ \(40 days left\)<\/span>$/);
    expect(render('lapsing', iso(Date.now() + 3 * DAY))).toContain('Lapsing soon');
    expect(render('lapsing', iso(Date.now() + 3 * DAY))).toContain('3 days left');
    expect(render('lapsed', iso(Date.now() - DAY))).toContain('Lapsed: the preservation ended on');
    expect(render('running', iso(Date.now() + 40 * DAY))).not.toContain('style=');
  });
});

describe('requestStatusWords', () => {
  it('names the outcome of a closed request and the manner of an executed one', () => {
    expect(requestStatusWords('closed', 'refused')).toBe('Closed: Refused');
    expect(requestStatusWords('executed', null, { decision: 'execute_in_part' })).toBe('Executed in part');
    expect(requestStatusWords('executed', null, null)).toBe('Executed');
    expect(requestStatusWords('sent', null)).toBe('Sent, not yet acknowledged');
    expect(requestStatusWords('sent', null, null, 'recipient')).toBe('Received, not yet acknowledged');
    expect(requestStatusWords('acknowledged', null, null, 'recipient')).toBe('Acknowledged');
  });
});

describe('needsAction', () => {
  const base = { status: 'sent' as const, side: 'recipient' as const, awaiting: null, ackState: 'due' as const, responseState: 'none' as const, preservation: 'none' as const };
  it('flags a received request not yet acknowledged, and a question put to this state', () => {
    expect(needsAction(base)).toBe(true);
    expect(needsAction({ ...base, side: 'raiser' })).toBe(false);
    expect(needsAction({ ...base, side: 'raiser', status: 'acknowledged', awaiting: 'raiser' })).toBe(true);
  });
  it('flags a preservation of this state’s about to lapse, and nothing on a closed request', () => {
    expect(needsAction({ ...base, side: 'raiser', status: 'executed', preservation: 'lapsing' })).toBe(true);
    expect(needsAction({ ...base, status: 'closed', ackState: 'overdue' })).toBe(false);
  });
});
