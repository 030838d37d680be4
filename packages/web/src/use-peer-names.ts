import { call } from './api/client.js';
import { useLoad } from './use-load.js';

/** The names of the peer states by code, to label the states a page shows; empty until they load. */
export function usePeerNames(): Map<string, string> {
  const peers = useLoad(() => call('listPeers').then((r) => r.peers), []);
  return new Map(peers.result.status === 'ready' ? peers.result.data.map((p) => [p.stateCode, p.name]) : []);
}
