import { cooperationSuite } from './cooperation-suite.js';

cooperationSuite('pglite');
