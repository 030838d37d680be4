import { consultationSuite } from './consultations-suite.js';

consultationSuite('pglite');
