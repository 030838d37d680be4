/*
 * The node's limit on each field a person writes, from the table the node's own checks read
 * (protocol's `limits.ts`, plain numbers imported by path as the protocol's other modules are), so
 * that no box can take more than the node accepts, or less.
 */
export { limits } from '../../protocol/src/limits.js';
