export { buildProgram, main, type Io } from './main.js';
