import { invalid } from '../errors.js';
import { isUserAssignedCode, stateName } from '../states.js';

export interface NodeIdentity {
  stateCode: string;
  name: string;
  /** A node of a user-assigned code: a test or demonstration state, never a real one. */
  isTestState: boolean;
  createdAt: string;
}

/**
 * Checks the identity a node is created with. Real states are the officially assigned
 * ISO 3166-1 alpha-3 codes; the user-assigned ranges are accepted only for test states,
 * so that no sample data reads as concerning a real state.
 */
export function checkIdentity(input: { stateCode: string; name: string; testState: boolean }): Omit<NodeIdentity, 'createdAt'> {
  const code = input.stateCode.trim().toUpperCase();
  const name = input.name.trim();
  if (!/^[A-Z]{3}$/.test(code)) {
    throw invalid('invalid_state_code', `"${input.stateCode}" is not an ISO 3166-1 alpha-3 code: use three letters, such as CHE or KEN.`);
  }
  if (isUserAssignedCode(code)) {
    if (!input.testState) {
      throw invalid('test_state_code', `${code} is a user-assigned code, reserved for test states. Pass --test-state to create a test node, or use your state's ISO 3166-1 alpha-3 code.`);
    }
  } else if (!stateName(code)) {
    throw invalid('unknown_state_code', `${code} is not an assigned ISO 3166-1 alpha-3 code. Check the code (for example CHE for Switzerland, KEN for Kenya).`);
  } else if (input.testState) {
    throw invalid('test_state_code', `${code} belongs to a real state; test nodes use a user-assigned code such as XAA.`);
  }
  if (name.length === 0 || name.length > 200 || /[\u0000-\u001F\u007F]/.test(name)) {
    throw invalid('invalid_node_name', 'The node name must be 1 to 200 printable characters, such as "Ministry of Foreign Affairs".');
  }
  return { stateCode: code, name, isTestState: isUserAssignedCode(code) };
}

export function displayStateName(identity: Pick<NodeIdentity, 'stateCode' | 'isTestState'>): string {
  return identity.isTestState ? `Test state ${identity.stateCode}` : (stateName(identity.stateCode) ?? identity.stateCode);
}
