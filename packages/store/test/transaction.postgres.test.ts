import { transactionSuite } from './transaction-suite.js';

transactionSuite('postgres');
