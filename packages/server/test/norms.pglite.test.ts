import { normsSuite } from './norms-suite.js';

normsSuite('pglite');
