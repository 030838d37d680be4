import { call } from './api/client.js';
import { useSession } from './session.js';
import { useLoad } from './use-load.js';

/**
 * The names of the states a page shows, by code: the peers', once they load, and this node's own,
 * since a case names both its parties and one of them is this state.
 */
export function usePeerNames(): Map<string, string> {
  const { identity } = useSession();
  const peers = useLoad(() => call('listPeers').then((r) => r.peers), []);
  const names = new Map(peers.result.status === 'ready' ? peers.result.data.map((p) => [p.stateCode, p.name]) : []);
  if (identity) names.set(identity.stateCode, identity.name);
  return names;
}
