export { BodyTooLarge, readBounded, readBoundedJson } from './bounded-body.js';
export { checkPeerUrl, discover } from './discover.js';
export { Inbox, defaultInboxOptions, type Admitted, type InboxOptions } from './inbox.js';
export { Sender, backoff, defaultSenderOptions, type SenderOptions } from './sender.js';
export { httpPeerLog } from './log-client.js';
export { EvidenceFetcher, defaultEvidenceFetcherOptions, type EvidenceFetcherOptions } from './evidence-fetcher.js';
export { EvidenceGate, defaultEvidenceGateOptions, type EvidenceGateOptions } from './evidence-gate.js';
export { logRoundFailure } from './rounds.js';
