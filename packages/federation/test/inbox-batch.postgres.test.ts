import { inboxBatchSuite } from './inbox-batch-suite.js';

inboxBatchSuite('postgres');
