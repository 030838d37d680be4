import { logSuite } from './log-suite.js';

logSuite('pglite');
