import { proofsSuite } from './proofs-suite.js';

proofsSuite('pglite');
