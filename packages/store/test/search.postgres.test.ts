import { searchSuite } from './search-suite.js';

searchSuite('postgres');
searchSuite('postgres', { localeC: true });
