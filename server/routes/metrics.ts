import type { FastifyPluginAsync } from "fastify";
import { LOOP_DELAY_RESOLUTION_MS, LoopDelaySampler } from "../loopDelay.ts";
import type { Relay } from "../relay/relay.ts";
import type { Histogram } from "../relay/stats.ts";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * `/metrics` in Prometheus text format. Counts only: no document names, ids, tokens or note
 * text ever become labels. Unauthenticated, like `/healthz`: a host keeps it off the public
 * internet (see docs/api.md).
 */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  const loopDelay = new LoopDelaySampler();
  loopDelay.start();
  app.addHook("onClose", async () => loopDelay.stop());
  app.get("/metrics", async (_request, reply) => {
    return reply.header("content-type", CONTENT_TYPE).send(renderMetrics(app.relay, loopDelay.read()));
  });
};

export function renderMetrics(
  relay: Relay,
  loopDelay: Histogram,
  uptimeSeconds: number = process.uptime(),
): string {
  const { stats } = relay;
  const out: string[] = [];
  const metric = (name: string, type: "counter" | "gauge", help: string, value: number): void => {
    out.push(`# HELP samla_${name} ${help}`, `# TYPE samla_${name} ${type}`, `samla_${name} ${value}`);
  };
  const histogram = (name: string, help: string, { bounds, buckets, count, sumSeconds }: Histogram): void => {
    out.push(`# HELP samla_${name} ${help}`, `# TYPE samla_${name} histogram`);
    bounds.forEach((bound, index) => {
      out.push(`samla_${name}_bucket{le="${bound}"} ${buckets[index] ?? 0}`);
    });
    out.push(
      `samla_${name}_bucket{le="+Inf"} ${count}`,
      `samla_${name}_sum ${sumSeconds}`,
      `samla_${name}_count ${count}`,
    );
  };
  metric("open_connections", "gauge", "Open sync WebSocket connections.", relay.openConnections);
  metric("documents_loaded", "gauge", "Documents loaded in memory.", relay.loadedDocuments);
  metric(
    "connections_opened_total",
    "counter",
    "Sync connections accepted for checking.",
    stats.connectionsOpened,
  );
  metric(
    "connections_refused_total",
    "counter",
    "Sync connections refused by access checks.",
    stats.connectionsRefused,
  );
  metric(
    "origin_refused_total",
    "counter",
    "Sync upgrades refused for a foreign Origin.",
    stats.originRefused,
  );
  metric("updates_in_total", "counter", "Document updates received from clients.", stats.updatesIn);
  metric("updates_stored_total", "counter", "Document updates integrated and stored.", stats.updatesStored);
  metric("updates_out_total", "counter", "Document updates sent to clients.", stats.updatesOut);
  metric(
    "readonly_updates_dropped_total",
    "counter",
    "Updates from read-only connections dropped.",
    stats.readOnlyUpdatesDropped,
  );
  metric(
    "pending_dropped_total",
    "counter",
    "Updates with missing dependencies dropped.",
    stats.pendingDropped,
  );
  metric(
    "awareness_dropped_total",
    "counter",
    "Awareness entries dropped (forged, oversized, flooding).",
    stats.awarenessDropped,
  );
  metric("rooms_loaded_total", "counter", "Documents loaded from the store.", stats.roomsLoaded);
  metric("rooms_unloaded_total", "counter", "Documents unloaded from memory.", stats.roomsUnloaded);
  metric("joins_rate_limited_total", "counter", "Join attempts refused with 429.", stats.joinsRateLimited);

  out.push("# HELP samla_errors_total Relay errors by kind.", "# TYPE samla_errors_total counter");
  for (const [kind, value] of Object.entries(stats.errors)) {
    out.push(`samla_errors_total{kind="${snakeCase(kind)}"} ${value}`);
  }

  histogram("store_write_seconds", "Time to append updates to the store.", stats.storeWrites);
  histogram(
    "relay_delay_seconds",
    "Time from a client's update arriving to its relay to the document's other connections (stored first).",
    stats.relayDelays,
  );
  histogram(
    "event_loop_delay_seconds",
    `How late the event loop ran, sampled every ${LOOP_DELAY_RESOLUTION_MS} ms: long turns, during which nothing is read.`,
    loopDelay,
  );

  const memory = process.memoryUsage();
  metric("process_resident_memory_bytes", "gauge", "Resident set size of the server process.", memory.rss);
  metric(
    "process_heap_used_bytes",
    "gauge",
    "V8 heap in use, garbage not yet collected included (not a leak measure).",
    memory.heapUsed,
  );
  metric("process_uptime_seconds", "gauge", "Seconds since the server process started.", uptimeSeconds);
  return `${out.join("\n")}\n`;
}

/** `invalidMessage` → `invalid_message`: label values in Prometheus's usual style. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/[^a-z0-9_]/g, "_");
}
