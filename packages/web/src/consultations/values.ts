import type { INDICATOR_TYPES as indicatorTypesOfProtocol } from '../../../protocol/src/indicators.js';
import type * as protocol from '../../../protocol/src/messages/consultations.js';
import type { TLP_LEVELS as tlpLevelsOfProtocol } from '../../../protocol/src/tlp.js';

/*
 * The value lists of a consultation, written here so that the pages that only show them do not
 * load the protocol's validation code (zod). The checks below make the compiler reject any list
 * that differs, in either direction, from the protocol's own.
 */

type Same<A extends readonly string[], B extends readonly string[]> = [A[number]] extends [B[number]] ? ([B[number]] extends [A[number]] ? true : false) : false;
const same = <T extends true>(_: T) => undefined;

export const sectors = [
  'energy',
  'transport',
  'banking',
  'financial_market_infrastructure',
  'health',
  'drinking_water',
  'waste_water',
  'digital_infrastructure',
  'telecommunications',
  'ict_service_management',
  'public_administration',
  'elections',
  'emergency_services',
  'space',
  'food',
  'manufacturing',
  'chemicals',
  'research',
  'postal',
  'other',
] as const;
export const severities = ['low', 'moderate', 'high', 'critical'] as const;
export const urgencies = ['urgent', 'high', 'routine'] as const;
export const communicationKinds = ['notification', 'request_for_information', 'request_for_assistance', 'request_to_mitigate', 'response'] as const;
export const tlpLevels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export const attributionBases = ['technical_analysis', 'intelligence', 'law_enforcement_investigation', 'third_party_report', 'self_attribution'] as const;
export const confidenceLevels = ['low', 'moderate', 'high'] as const;
export const attributionReplies = ['accepts', 'disputes', 'under_investigation'] as const;
export const outcomes = ['resolved_or_mitigated', 'unfounded', 'no_agreement', 'withdrawn'] as const;
export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'asn'] as const;

export type IndicatorType = (typeof INDICATOR_TYPES)[number];
export type Indicator = { type: IndicatorType; value: string };

same<Same<typeof sectors, typeof protocol.sectors>>(true);
same<Same<typeof severities, typeof protocol.severities>>(true);
same<Same<typeof urgencies, typeof protocol.urgencies>>(true);
same<Same<typeof communicationKinds, typeof protocol.communicationKinds>>(true);
same<Same<typeof tlpLevels, typeof protocol.tlpLevels>>(true);
same<Same<typeof tlpLevels, typeof tlpLevelsOfProtocol>>(true);
same<Same<typeof attributionBases, typeof protocol.attributionBases>>(true);
same<Same<typeof confidenceLevels, typeof protocol.confidenceLevels>>(true);
same<Same<typeof attributionReplies, typeof protocol.attributionReplies>>(true);
same<Same<typeof outcomes, typeof protocol.outcomes>>(true);
same<Same<typeof INDICATOR_TYPES, typeof indicatorTypesOfProtocol>>(true);
