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
  storeWrites: Histogram;
  /**
   * Time from a client's update arriving to its batch going out to the document's other
   * connections (stored first): how far behind the relay is, whatever the network adds.
   */
  relayDelays: Histogram;
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
    storeWrites: emptyHistogram(STORE_WRITE_BUCKETS),
    relayDelays: emptyHistogram(RELAY_DELAY_BUCKETS),
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

/**
 * Upper bounds (seconds) of the relay-delay histogram: a relay keeping up takes a millisecond or
 * two; 0.1 s is where people at a table notice that a neighbour's typing lags.
 */
export const RELAY_DELAY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5,
];

export interface Histogram {
  /** Upper bounds of the buckets, in seconds. */
  readonly bounds: readonly number[];
  count: number;
  sumSeconds: number;
  /** Cumulative counts per bound (Prometheus `le` semantics). */
  readonly buckets: number[];
}

export function emptyHistogram(bounds: readonly number[]): Histogram {
  return { bounds, count: 0, sumSeconds: 0, buckets: bounds.map(() => 0) };
}

export function observe(histogram: Histogram, seconds: number): void {
  histogram.count++;
  histogram.sumSeconds += seconds;
  const { bounds, buckets } = histogram;
  for (let index = bounds.length - 1; index >= 0 && seconds <= (bounds[index] ?? 0); index--) {
    buckets[index] = (buckets[index] ?? 0) + 1;
  }
}
