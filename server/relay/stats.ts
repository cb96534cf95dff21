/** Counters the relay keeps for /metrics and for tests. Plain numbers: cheap on the hot path. */
export interface RelayStats {
  connectionsOpened: number;
  connectionsRefused: number;
  updatesIn: number;
  updatesStored: number;
  updatesOut: number;
  readOnlyUpdatesDropped: number;
  pendingDropped: number;
  awarenessDropped: number;
  roomsLoaded: number;
  roomsUnloaded: number;
  errors: {
    invalidMessage: number;
    invalidUpdate: number;
    backlogOverflow: number;
    storeFailure: number;
  };
}

export function createStats(): RelayStats {
  return {
    connectionsOpened: 0,
    connectionsRefused: 0,
    updatesIn: 0,
    updatesStored: 0,
    updatesOut: 0,
    readOnlyUpdatesDropped: 0,
    pendingDropped: 0,
    awarenessDropped: 0,
    roomsLoaded: 0,
    roomsUnloaded: 0,
    errors: { invalidMessage: 0, invalidUpdate: 0, backlogOverflow: 0, storeFailure: 0 },
  };
}
