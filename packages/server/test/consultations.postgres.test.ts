import { consultationSuite } from './consultations-suite.js';

consultationSuite('postgres');
