import { evidenceFederationSuite } from './evidence-suite.js';

evidenceFederationSuite('postgres');
