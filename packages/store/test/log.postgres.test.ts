import { logSuite } from './log-suite.js';

logSuite('postgres');
