import { evidenceFederationSuite } from './evidence-suite.js';

evidenceFederationSuite('pglite');
