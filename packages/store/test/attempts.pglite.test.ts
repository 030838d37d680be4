import { attemptsSuite } from './attempts-suite.js';

attemptsSuite('pglite');
