export { checkPeerUrl, discover } from './discover.js';
export { Inbox, defaultInboxOptions, type InboxOptions } from './inbox.js';
export { Sender, backoff, defaultSenderOptions, type SenderOptions } from './sender.js';
