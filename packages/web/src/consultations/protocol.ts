/*
 * The protocol's indicator recognition and STIX reading (no I/O), run in the browser: the same
 * checks the node applies, so that an officer sees what will be accepted before adding it.
 * Imported by path, and loaded only when needed (import()), because it brings zod with it; the
 * web otherwise takes only types from @parley/* packages.
 */
export { checkIndicator, parseIndicators } from '../../../protocol/src/indicators.js';
export { StixBundleError, stixBundleToIndicators } from '../../../protocol/src/stix.js';
