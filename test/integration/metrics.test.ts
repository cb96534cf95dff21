import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const LINE =
  /^([a-z_][a-z0-9_]*)(\{[a-z_]+="[^"\\\n]*"(?:,[a-z_]+="[^"\\\n]*")*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/;

/** name{labels} → value, after checking every line is a comment or a sample. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
      expect(line).toMatch(/^# (HELP|TYPE) samla_[a-z0-9_]+ \S/);
      continue;
    }
    const match = LINE.exec(line);
    expect(match, line).not.toBeNull();
    if (match === null) continue;
    expect(match[1]).toMatch(/^samla_/);
    samples.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return samples;
}

async function metrics(server: TestServer): Promise<{ text: string; samples: Map<string, number> }> {
  const response = await server.request("GET", "/metrics");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return { text: response.text, samples: parseMetrics(response.text) };
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.terminate();
    });
    ws.once("error", (error) => reject(error));
  });
}

describe("GET /metrics", () => {
  it("answers Prometheus text with every metric, and zeros on a fresh server", async () => {
    const server = await startServer();
    const { samples } = await metrics(server);
    for (const name of [
      "samla_open_connections",
      "samla_documents_loaded",
      "samla_updates_in_total",
      "samla_updates_stored_total",
      "samla_updates_out_total",
      "samla_readonly_updates_dropped_total",
      "samla_pending_dropped_total",
      "samla_awareness_dropped_total",
      "samla_rooms_loaded_total",
      "samla_rooms_unloaded_total",
      'samla_errors_total{kind="invalid_message"}',
      'samla_errors_total{kind="store_failure"}',
      'samla_store_write_seconds_bucket{le="+Inf"}',
      "samla_store_write_seconds_sum",
      "samla_store_write_seconds_count",
      "samla_process_uptime_seconds",
    ]) {
      expect(samples.has(name), name).toBe(true);
    }
    expect(samples.get("samla_updates_in_total")).toBe(0);
    expect(samples.get("samla_process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("counts traffic, and carries no ids, tokens or note text", async () => {
    const server = await startServer();
    const workshop = await server.createWorkshop();
    const table = workshop.tables[0];
    if (table === undefined) throw new Error("no table");
    const joined = await server.join(table.joinCode);
    const doc = docName(tableDoc(workshop.workshopId, table.id));
    const writer = connectClient(server, doc, joined.token);
    const reader = connectClient(server, doc, workshop.facilitatorToken);
    await Promise.all([writer.synced(), reader.synced()]);
    writer.doc.getMap("probe").set("text", "Metrics ska inte visa detta");
    await eventually(() =>
      expect(reader.doc.getMap("probe").get("text")).toBe("Metrics ska inte visa detta"),
    );
    expect(await upgradeStatus(`${server.syncUrl}/${doc}`, { Origin: "http://evil.example" })).toBe(403);

    await eventually(async () => {
      const { samples } = await metrics(server);
      expect(samples.get("samla_open_connections")).toBe(2);
      expect(samples.get("samla_documents_loaded")).toBeGreaterThanOrEqual(1);
      expect(samples.get("samla_updates_in_total")).toBeGreaterThan(0);
      expect(samples.get("samla_updates_stored_total")).toBeGreaterThan(0);
      expect(samples.get("samla_updates_out_total")).toBeGreaterThan(0);
      expect(samples.get("samla_rooms_loaded_total")).toBeGreaterThan(0);
      expect(samples.get("samla_origin_refused_total")).toBe(1);
      const count = samples.get("samla_store_write_seconds_count") ?? 0;
      expect(count).toBeGreaterThan(0);
      expect(samples.get('samla_store_write_seconds_bucket{le="+Inf"}')).toBe(count);
      expect(samples.get("samla_store_write_seconds_sum")).toBeGreaterThan(0);
      // Every update relayed to the reader was timed, and none is counted twice.
      const relayed = samples.get("samla_relay_delay_seconds_count") ?? 0;
      expect(relayed).toBeGreaterThan(0);
      expect(relayed).toBeLessThanOrEqual(samples.get("samla_updates_in_total") ?? 0);
      expect(samples.get('samla_relay_delay_seconds_bucket{le="+Inf"}')).toBe(relayed);
      expect(samples.get("samla_relay_delay_seconds_sum")).toBeGreaterThan(0);
      expect(samples.get("samla_event_loop_delay_seconds_count")).toBeGreaterThan(0);
    });
    const { text, samples } = await metrics(server);
    // Buckets are cumulative, and an idle test server relays within seconds.
    for (const histogram of ["store_write", "relay_delay", "event_loop_delay"]) {
      const buckets = [...samples].filter(([name]) => name.startsWith(`samla_${histogram}_seconds_bucket`));
      expect(buckets.length).toBeGreaterThan(5);
      for (let i = 1; i < buckets.length; i++) {
        expect(buckets[i]?.[1]).toBeGreaterThanOrEqual(buckets[i - 1]?.[1] ?? 0);
      }
    }
    expect(samples.get('samla_relay_delay_seconds_bucket{le="5"}')).toBe(
      samples.get("samla_relay_delay_seconds_count"),
    );
    for (const secret of [
      workshop.workshopId,
      table.id,
      table.joinCode,
      joined.token,
      workshop.facilitatorToken,
      "Metrics ska",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("shows a long turn of the event loop in its event-loop delay histogram", async () => {
    const server = await startServer();
    const lateOver100ms = async () => {
      const { samples } = await metrics(server);
      return (
        (samples.get("samla_event_loop_delay_seconds_count") ?? 0) -
        (samples.get('samla_event_loop_delay_seconds_bucket{le="0.1"}') ?? 0)
      );
    };
    await eventually(async () =>
      expect((await metrics(server)).samples.get("samla_event_loop_delay_seconds_count")).toBeGreaterThan(0),
    );
    const before = await lateOver100ms();
    // The server runs in this process: a turn that computes for 150 ms delays its sampler too.
    const stall = () => {
      const until = performance.now() + 150;
      while (performance.now() < until) {
        // busy: nothing else runs
      }
    };
    // Node does not count the first interval after the read's reset; the sampler's overdue timer
    // runs in the loop's timers phase, between the two checks phases these immediates wait for.
    stall();
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    stall();
    await eventually(async () => expect(await lateOver100ms()).toBeGreaterThan(before));
  });
});
