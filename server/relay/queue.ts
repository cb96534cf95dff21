import type * as Y from "yjs";
import type { Connection } from "./connection.ts";
import type { ClientMessage } from "./protocol.ts";

/** A change made by the server itself (`Room.change`), as queued. */
export type Change = Extract<QueueEntry, { kind: "change" }>;

/** What applying one batch collected, for storing, relaying and answering it. */
export interface Batch {
  /** Sync step 1 requests, answered once the batch is stored. */
  readonly replies: { readonly conn: Connection; readonly stateVector: Uint8Array }[];
  readonly changes: Change[];
  readonly failed: Map<Change, unknown>;
  /** Connections whose updates were applied, and how many updates. */
  readonly writers: Set<Connection>;
  updates: number;
  /** When each applied update reached this room (`performance.now()`), for `stats.relayDelays`. */
  readonly arrivals: number[];
  /** Bytes of the updates applied so far, as received (for the size cap). */
  bytes: number;
}

/** What a room queues, in order: clients' messages, and changes made by the server itself. */
export type QueueEntry =
  | {
      readonly kind: "message";
      readonly conn: Connection;
      readonly message: ClientMessage;
      readonly receivedAt: number;
    }
  | {
      readonly kind: "change";
      readonly edit: (doc: Y.Doc) => void;
      readonly resolve: () => void;
      readonly reject: (error: unknown) => void;
    };

export function newBatch(): Batch {
  return {
    replies: [],
    changes: [],
    failed: new Map(),
    writers: new Set(),
    updates: 0,
    arrivals: [],
    bytes: 0,
  };
}

/** Whether a queued entry reads or changes the document (everything but presence). */
export function needsDoc(entry: QueueEntry): boolean {
  return (
    entry.kind === "change" ||
    (entry.message.type !== "awareness" && entry.message.type !== "query-awareness")
  );
}
