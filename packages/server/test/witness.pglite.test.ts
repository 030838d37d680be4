import { witnessSuite } from './witness-suite.js';

witnessSuite('pglite');
