import { logHttpSuite } from './log-http-suite.js';

logHttpSuite('pglite');
