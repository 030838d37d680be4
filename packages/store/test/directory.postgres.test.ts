import { directorySuite } from './directory-suite.js';

directorySuite('postgres');
