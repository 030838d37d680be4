import { evidenceApiSuite } from './evidence-api-suite.js';

evidenceApiSuite('postgres');
