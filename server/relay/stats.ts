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
  /** Sync upgrades refused with 403 because a browser page of another origin opened them. */
  originRefused: number;
  /** `POST /api/join` answered 429 (join-code guessing). */
  joinsRateLimited: number;
  /** Latency of the store's update-log appends, as a cumulative histogram. */
  storeWrites: StoreWriteLatency;
  errors: {
    invalidMessage: number;
    invalidUpdate: number;
    backlogOverflow: number;
    storeFailure: number;
    tooSlow: number;
    /** Connections refused (4429) because their token had MAX_CONNECTIONS_PER_TOKEN open. */
    tooManyConnections: number;
    /** Updates refused (4413) because they would have taken a document past MAX_DOC_BYTES. */
    documentFull: number;
    /** Sockets terminated for not answering the previous heartbeat ping (a vanished peer). */
    heartbeatTimeout: number;
    /** Sockets we closed that did not finish the close handshake in time and were terminated. */
    closeTimeout: number;
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
    originRefused: 0,
    joinsRateLimited: 0,
    storeWrites: { count: 0, sumSeconds: 0, buckets: STORE_WRITE_BUCKETS.map(() => 0) },
    errors: {
      invalidMessage: 0,
      invalidUpdate: 0,
      backlogOverflow: 0,
      storeFailure: 0,
      tooSlow: 0,
      tooManyConnections: 0,
      documentFull: 0,
      heartbeatTimeout: 0,
      closeTimeout: 0,
    },
  };
}

/** Upper bounds (seconds) of the store-write histogram: SQLite appends take well under a millisecond. */
export const STORE_WRITE_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2,
];

export interface StoreWriteLatency {
  count: number;
  sumSeconds: number;
  /** Cumulative counts per `STORE_WRITE_BUCKETS` bound (Prometheus `le` semantics). */
  buckets: number[];
}

export function observeStoreWrite(stats: RelayStats, seconds: number): void {
  const latency = stats.storeWrites;
  latency.count++;
  latency.sumSeconds += seconds;
  STORE_WRITE_BUCKETS.forEach((bound, index) => {
    if (seconds <= bound) latency.buckets[index] = (latency.buckets[index] ?? 0) + 1;
  });
}
