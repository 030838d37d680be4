/**
 * The words people read for the values the node stores: the web interface shows them, and the
 * printed case file (`domain/case-file-words.ts`) prints the same ones, so a PDF never shows
 * "request_to_mitigate" where the page said "Request to mitigate activity from your territory".
 * Plain objects without imports: the web interface imports this file by path.
 */

export const consultationLabels = {
  statuses: {
    draft: 'Draft',
    sent: 'Sent, not yet acknowledged',
    acknowledged: 'Acknowledged',
    in_progress: 'In progress',
    responded: 'Responded',
    closed: 'Closed',
  } as Record<string, string>,
  /** Status `sent` as the state that received the case reads it: it did not send it. */
  receivedNotAcknowledged: 'Received, not yet acknowledged',
  closedWith: (outcome: string) => `Closed: ${outcome}`,
  outcomes: {
    resolved_or_mitigated: 'Resolved or mitigated',
    unfounded: 'Unfounded',
    no_agreement: 'No agreement',
    withdrawn: 'Withdrawn',
  } as Record<string, string>,
  urgencies: { urgent: 'Urgent', high: 'High', routine: 'Routine' } as Record<string, string>,
  severities: { low: 'Low', moderate: 'Moderate', high: 'High', critical: 'Critical' } as Record<string, string>,
  /** The kinds of communication. */
  kinds: {
    notification: 'Notification',
    request_for_information: 'Request for information',
    request_for_assistance: 'Request for assistance',
    request_to_mitigate: 'Request to mitigate activity from your territory',
    response: 'Response',
  } as Record<string, string>,
  sectors: {
    energy: 'Energy',
    transport: 'Transport',
    banking: 'Banking',
    financial_market_infrastructure: 'Financial market infrastructure',
    health: 'Health',
    drinking_water: 'Drinking water',
    waste_water: 'Waste water',
    digital_infrastructure: 'Digital infrastructure',
    telecommunications: 'Telecommunications',
    ict_service_management: 'ICT service management',
    public_administration: 'Public administration',
    elections: 'Elections',
    emergency_services: 'Emergency services',
    space: 'Space',
    food: 'Food',
    manufacturing: 'Manufacturing',
    chemicals: 'Chemicals',
    research: 'Research',
    postal: 'Postal and courier services',
    other: 'Other',
  } as Record<string, string>,
  bases: {
    technical_analysis: 'Technical analysis',
    intelligence: 'Intelligence',
    law_enforcement_investigation: 'Law-enforcement investigation',
    third_party_report: 'Third-party report',
    self_attribution: 'Self-attribution (the actor claimed it)',
  } as Record<string, string>,
  confidences: { low: 'Low', moderate: 'Moderate', high: 'High' } as Record<string, string>,
  replies: { accepts: 'Accepts the attribution', disputes: 'Disputes the attribution', under_investigation: 'Is investigating the attribution' } as Record<string, string>,
  /** The steps of the timeline, by action, said of the person who took them. */
  events: {
    created: 'Created the draft',
    opened: 'Raised the consultation',
    acknowledge: 'Acknowledged the consultation',
    start: 'Started work on it',
    respond: 'Responded',
    request_info: 'Asked for more information',
    message: 'Wrote',
    reply_attribution: 'Replied on the attribution',
    close: 'Closed the consultation',
    withdraw: 'Withdrew the consultation',
  } as Record<string, string>,
};

export const requestLabels = {
  statuses: {
    draft: 'Draft',
    sent: 'Sent, not yet acknowledged',
    acknowledged: 'Acknowledged',
    postponed: 'Postponed',
    executed: 'Executed',
    closed: 'Closed',
  } as Record<string, string>,
  receivedNotAcknowledged: consultationLabels.receivedNotAcknowledged,
  closedWith: consultationLabels.closedWith,
  /** Status `executed`, by how the requested state decided to execute it. */
  executedAs: {
    execute: 'Executed',
    execute_in_part: 'Executed in part',
    execute_under_conditions: 'Executed under conditions',
  } as Record<string, string>,
  outcomes: { completed: 'Completed', refused: 'Refused', withdrawn: 'Withdrawn' } as Record<string, string>,
  urgencies: consultationLabels.urgencies,
  decisions: {
    execute: 'Executed',
    execute_in_part: 'Executed in part',
    execute_under_conditions: 'Executed under conditions',
    postpone: 'Postponed',
    refuse: 'Refused',
  } as Record<string, string>,
  instruments: {
    un_cybercrime_2024: 'UN Convention against Cybercrime (2024)',
    budapest_2001: 'Budapest Convention on Cybercrime (2001)',
    budapest_protocol2_2022: 'Second Additional Protocol to the Budapest Convention (2022)',
    untoc_2000: 'UN Convention against Transnational Organized Crime (2000)',
    bilateral_treaty: 'Bilateral treaty on mutual legal assistance',
    regional_instrument: 'Regional instrument',
    reciprocity: 'Reciprocity (no treaty applies)',
    domestic_law: 'Domestic law of the requested state',
  } as Record<string, string>,
  channels: {
    network_24_7: '24/7 network of points of contact',
    central_authority: 'Between central authorities',
    diplomatic: 'Diplomatic channel',
    direct_authority: 'Directly between competent authorities',
    police_cooperation: 'Police cooperation channel',
  } as Record<string, string>,
  /** The steps of the timeline, by action, said of the person who took them. */
  events: {
    created: 'Created the draft',
    opened: 'Sent the request',
    acknowledge: 'Acknowledged the request',
    request_info: 'Asked for more information',
    message: 'Wrote',
    consult: 'Consulted the requesting state',
    decide: 'Decided',
    return_evidence: 'Returned evidence',
    request_extension: 'Asked for the preservation to be extended',
    extend: 'Extended the preservation',
    close: 'Closed the request',
    withdraw: 'Withdrew the request',
  } as Record<string, string>,
};

/** A file's status on the node that shows it: the state that uploaded it stores it, the other receives it. */
export const evidenceLabels = {
  statuses: {
    stored: 'Stored on this node',
    expected: 'Waiting to be received',
    transferring: 'Receiving',
    received: 'Received, fingerprint checked',
    failed: 'Not received',
  } as Record<string, string>,
  malware: 'Malware sample',
};

/** The words a status is said in: these labels, or the web interface's in its language. */
export interface StatusWords {
  statuses: Record<string, string>;
  outcomes: Record<string, string>;
  receivedNotAcknowledged: string;
  closedWith: (outcome: string) => string;
  executedAs?: Record<string, string>;
}

/**
 * A case's status as the state reading it says it, the same on its pages and in the case file it
 * prints: to the state that received a case, `sent` is "Received, not yet acknowledged"; a closed
 * case names its outcome, and an executed request how it was executed ("Executed in part").
 */
export function caseStatusWords(words: StatusWords, c: { status: string; outcome: string | null; side: 'raiser' | 'recipient'; decision?: string | null }): string {
  if (c.status === 'closed' && c.outcome) return words.closedWith(words.outcomes[c.outcome] ?? c.outcome);
  if (c.status === 'sent' && c.side === 'recipient') return words.receivedNotAcknowledged;
  if (c.status === 'executed' && c.decision) {
    const executed = words.executedAs?.[c.decision];
    if (executed) return executed;
  }
  return words.statuses[c.status] ?? c.status;
}
