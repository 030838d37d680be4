import { mailSuite } from './mail-suite.js';

mailSuite('pglite');
