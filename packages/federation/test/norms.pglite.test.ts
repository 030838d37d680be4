import { normsFederationSuite } from './norms-suite.js';

normsFederationSuite('pglite');
