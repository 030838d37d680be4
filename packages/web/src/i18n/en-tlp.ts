/**
 * The Traffic Light Protocol (FIRST TLP 2.0) in the interface. The labels themselves are never
 * translated (the standard requires them in their original form); the definitions are FIRST's
 * own short definitions, and a translation should use FIRST's published translations of them.
 */
export const tlpMessages = {
  /** Read by screen readers before the label. */
  marking: 'Sharing marking:',
  definitions: {
    CLEAR: 'Recipients can spread this to the world, there is no limit on disclosure.',
    GREEN: 'Limited disclosure, recipients can spread this within their community.',
    AMBER: 'Limited disclosure, recipients can only spread this on a need-to-know basis within their organization and its clients.',
    'AMBER+STRICT': 'Restricts sharing to the organization only.',
    RED: 'For the eyes and ears of individual recipients only, no further disclosure.',
  },
};
export type TlpMessages = typeof tlpMessages;
