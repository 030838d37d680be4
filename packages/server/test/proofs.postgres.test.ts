import { proofsSuite } from './proofs-suite.js';

proofsSuite('postgres');
