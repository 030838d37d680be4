import { batchDeliverySuite } from './batch-delivery-suite.js';

batchDeliverySuite('pglite');
