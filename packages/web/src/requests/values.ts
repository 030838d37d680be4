import type { ResponseOf } from '@parley/core';
import type * as protocol from '../../../protocol/src/messages/cooperation.js';

/*
 * The value lists of a cooperation request, written here so that the pages that only show them do
 * not load the protocol's validation code (zod). The checks below make the compiler reject any
 * list that differs, in either direction, from the protocol's own.
 */

type Same<A extends readonly string[], B extends readonly string[]> = [A[number]] extends [B[number]] ? ([B[number]] extends [A[number]] ? true : false) : false;
const same = <T extends true>(_: T) => undefined;

export const requestKinds = ['preservation', 'disclosure', 'mla', 'emergency', 'spontaneous'] as const;
export const legalInstruments = [
  'un_cybercrime_2024',
  'budapest_2001',
  'budapest_protocol2_2022',
  'untoc_2000',
  'bilateral_treaty',
  'regional_instrument',
  'reciprocity',
  'domestic_law',
] as const;
export const requestChannels = ['network_24_7', 'central_authority', 'diplomatic', 'direct_authority', 'police_cooperation'] as const;
export const refusalGrounds = ['sovereignty_security_ordre_public', 'political_offence', 'domestic_law_bars', 'non_conformity', 'discrimination'] as const;
export const decisionKinds = ['execute', 'execute_in_part', 'execute_under_conditions', 'postpone', 'refuse'] as const;
export const requestOutcomes = ['completed', 'refused', 'withdrawn'] as const;
export const custodyActions = ['collected', 'handled', 'analysed', 'transferred', 'sent'] as const;
export const requestActions = [
  'acknowledge',
  'request_info',
  'message',
  'consult',
  'decide',
  'return_evidence',
  'request_extension',
  'extend',
  'close',
  'withdraw',
] as const;
/** The statuses of a request (core's api/cooperation.ts `requestStatus`). */
export const requestStatuses = ['draft', 'sent', 'acknowledged', 'postponed', 'executed', 'closed'] as const;
export const preservationStates = ['none', 'running', 'lapsing', 'lapsed'] as const;

export type RequestKind = (typeof requestKinds)[number];
export type LegalInstrument = (typeof legalInstruments)[number];
export type RequestChannel = (typeof requestChannels)[number];
export type RequestStatus = (typeof requestStatuses)[number];
export type Preservation = (typeof preservationStates)[number];

same<Same<typeof requestKinds, typeof protocol.requestKinds>>(true);
same<Same<typeof legalInstruments, typeof protocol.legalInstruments>>(true);
same<Same<typeof requestChannels, typeof protocol.requestChannels>>(true);
same<Same<typeof refusalGrounds, typeof protocol.refusalGrounds>>(true);
same<Same<typeof decisionKinds, typeof protocol.decisionKinds>>(true);
same<Same<typeof requestOutcomes, typeof protocol.requestOutcomes>>(true);
same<Same<typeof custodyActions, typeof protocol.custodyActions>>(true);
same<Same<typeof requestActions, typeof protocol.requestActions>>(true);

// The statuses and preservation states are the HTTP contract's, not the protocol's.
type Listed = ResponseOf<'listRequests'>['requests'][number];
same<Same<typeof requestStatuses, readonly Listed['status'][]>>(true);
same<Same<typeof preservationStates, readonly Listed['preservation'][]>>(true);
same<Same<typeof requestKinds, readonly Listed['kind'][]>>(true);
