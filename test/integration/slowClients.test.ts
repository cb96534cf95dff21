import type { Socket } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import * as Y from "yjs";
import type { Timeouts } from "../../server/app.ts";
import { MAX_BUFFERED_BYTES } from "../../server/relay/connection.ts";
import { encodeAwareness, encodeAwarenessUpdate, encodeUpdate } from "../../server/relay/protocol.ts";
import { docName, tableDoc } from "../../shared/docNames.ts";
import { connectClient } from "../helpers/client.ts";
import { eventually } from "../helpers/eventually.ts";
import {
  awaitAdmitted,
  clientFrame,
  openRawSocket,
  openTcpSocket,
  upgradeByHand,
} from "../helpers/rawSocket.ts";
import { startServer } from "../helpers/server.ts";

/** A real test server with its deadlines shortened, and one table to sync on. */
async function startTimedServer(timeouts: Partial<Timeouts>, env: Record<string, string> = {}) {
  const server = await startServer({ timeouts, env });
  const workshop = await server.createWorkshop({ tables: 1 });
  const name = docName(tableDoc(workshop.workshopId, workshop.tables[0]!.id));
  return { server, workshop, name, token: workshop.facilitatorToken };
}

/** `promise`, or a failure naming `what` once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Resolves with the milliseconds from now until the socket closes. */
function closedWithin(socket: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(0);
    else socket.once("close", () => resolve(Date.now() - started));
  });
}

describe("dead and stuck sync sockets", () => {
  it("terminates a peer that stopped answering pings, removes its presence, and keeps live ones", async () => {
    const heartbeatMs = 300;
    const { server, name, token } = await startTimedServer({ heartbeatMs });
    const honest = connectClient(server, name, token);
    await honest.synced();
    // A live raw peer answers pings (ws does so by itself) and counts them.
    const live = openRawSocket(server, name, token);
    let pingsAnswered = 0;
    live.ws.on("ping", () => pingsAnswered++);
    // A tablet whose Wi-Fi vanished: the socket stays open, nothing answers.
    const vanished = openRawSocket(server, name, token, { autoPong: false });
    await Promise.all([live.opened, vanished.opened]);
    vanished.send(
      encodeAwareness(encodeAwarenessUpdate([{ clientId: 4242, clock: 1, state: '{"name":"Bord 3"}' }])),
    );
    await eventually(() => expect(honest.provider.awareness.getStates().has(4242)).toBe(true));
    const started = Date.now();

    const { code } = await within(vanished.closed, 2 * heartbeatMs + 1_000, "terminating the vanished peer");
    expect(code).toBe(1006); // terminated: no close handshake
    const detectedMs = Date.now() - started;
    await eventually(() => expect(honest.provider.awareness.getStates().has(4242)).toBe(false));
    expect(server.app.relay.stats.errors.heartbeatTimeout).toBe(1);
    await eventually(() => expect(server.app.relay.openConnections).toBe(2));

    // The live ones answer beat after beat and are never cut.
    await eventually(() => expect(pingsAnswered).toBeGreaterThanOrEqual(4), 5_000);
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    expect(honest.closeCodes).toEqual([]);
    expect(server.app.relay.stats.errors.heartbeatTimeout).toBe(1);
    console.info(`heartbeat ${heartbeatMs} ms: a vanished peer was cut after ${detectedMs} ms`);
    expect(detectedMs).toBeLessThanOrEqual(2 * heartbeatMs + 1_000);
  });

  it("a reader that never reads is closed with 1013 and its socket (and buffer) is gone within the close deadline", async () => {
    const closeHandshakeMs = 1_500;
    // No heartbeat here: the close deadline alone must free it.
    const { server, name, token } = await startTimedServer(
      { closeHandshakeMs, heartbeatMs: 600_000 },
      { MAX_DOC_BYTES: String(64 * 1024 * 1024) },
    );
    const reader = connectClient(server, name, token);
    await reader.synced();
    const stuck = openRawSocket(server, name, token);
    await awaitAdmitted(stuck);
    // `_socket` is ws's TCP socket: pausing it is a reader that never reads. Test-only.
    (stuck.ws as unknown as { _socket: Socket })._socket.pause();
    const writer = openRawSocket(server, name, token);
    await writer.opened;

    const wss = server.app.websocketServer;
    let largestBuffer = 0;
    const source = new Y.Doc();
    source.on("update", (update: Uint8Array) => writer.send(encodeUpdate(update)));
    const notes = source.getArray<string>("notes");
    let sent = 0;
    while (server.app.relay.stats.errors.tooSlow === 0 && sent < 120) {
      notes.push([`${sent}:`.padEnd(256 * 1024, "x")]);
      sent++;
      await eventually(() => expect(reader.doc.getArray("notes").length).toBe(sent));
      for (const client of wss.clients) largestBuffer = Math.max(largestBuffer, client.bufferedAmount);
    }
    expect(server.app.relay.stats.errors.tooSlow).toBe(1);
    const closedAt = Date.now();
    // Closed with 1013 (counted as too slow), but the close frame is stuck behind the buffer.
    expect(wss.clients.size).toBe(3);

    await eventually(() => expect(wss.clients.size).toBe(2), closeHandshakeMs + 2_000);
    const goneMs = Date.now() - closedAt;
    expect(server.app.relay.openConnections).toBe(2);
    expect(server.app.relay.stats.errors.closeTimeout).toBe(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('samla_errors_total{kind="close_timeout"} 1');
    expect(metrics).toContain('samla_errors_total{kind="too_slow"} 1');
    expect(metrics).toContain("samla_open_connections 2");
    // The others never noticed.
    expect(reader.closeCodes).toEqual([]);
    expect(writer.ws.readyState).toBe(writer.ws.OPEN);
    console.info(
      `stuck reader: ${sent} × 256 KiB sent; server buffer peaked at ${(largestBuffer / 2 ** 20).toFixed(
        1,
      )} MiB (limit ${MAX_BUFFERED_BYTES / 2 ** 20} MiB); socket gone ${goneMs} ms after the 1013 close`,
    );
    expect(largestBuffer).toBeGreaterThan(MAX_BUFFERED_BYTES);
    source.destroy();
  });
});

describe("slowloris", () => {
  it("a WebSocket peer dribbling one frame a byte at a time holds nobody back and is cut by the heartbeat", async () => {
    const heartbeatMs = 1_000;
    const { server, name, token } = await startTimedServer({ heartbeatMs });
    const a = connectClient(server, name, token);
    const b = connectClient(server, name, token);
    await Promise.all([a.synced(), b.synced()]);
    const dribbler = await upgradeByHand(server, name, token);
    await eventually(() => expect(server.app.relay.loadedRoom(name)?.connections.size).toBe(3));
    const dribblerClosed = closedWithin(dribbler);
    // A 1000-byte frame, sent a byte every 10 ms: it would take 10 s to complete.
    const frame = clientFrame(encodeUpdate(new Uint8Array(990)));
    let at = 0;
    const timer = setInterval(() => {
      if (at < frame.length && !dribbler.destroyed) dribbler.write(frame.subarray(at, ++at));
    }, 10);
    onTestFinished(() => clearInterval(timer));

    const started = Date.now();
    const notes = a.doc.getMap<string>("notes");
    for (let i = 0; i < 20; i++) {
      notes.set(`n${i}`, `anteckning ${i}`);
      await eventually(() => expect(b.doc.getMap("notes").get(`n${i}`)).toBe(`anteckning ${i}`));
    }
    const syncedMs = Date.now() - started;
    // All 20 went through while the dribbler was still mid-frame.
    expect(dribbler.destroyed).toBe(false);
    expect(at).toBeLessThan(frame.length);

    const cutAfterMs = await within(dribblerClosed, 2 * heartbeatMs + 1_000, "cutting the dribbler");
    clearInterval(timer);
    expect(server.app.relay.stats.errors.heartbeatTimeout).toBe(1);
    await eventually(() => expect(server.app.relay.loadedRoom(name)?.connections.size).toBe(2));
    expect(a.closeCodes).toEqual([]);
    expect(b.closeCodes).toEqual([]);
    console.info(
      `ws slowloris: 20 edits synced in ${syncedMs} ms meanwhile; dribbler cut after ${cutAfterMs} ms (${at} of ${frame.length} bytes)`,
    );
  });

  it("HTTP requests dribbled a byte at a time (and sockets that send nothing) are closed after the deadline; others are served meanwhile", async () => {
    const headersMs = 1_500;
    const requestMs = 3_000;
    const { server, name, token } = await startTimedServer({ headersMs, requestMs });
    const a = connectClient(server, name, token);
    const b = connectClient(server, name, token);
    await Promise.all([a.synced(), b.synced()]);
    const { host } = new URL(server.url);

    const heads = [
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Padding: ${"p".repeat(200)}\r\n\r\n`,
      `GET /sync/${name}?token=${token} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Padding: ${"p".repeat(200)}\r\n\r\n`,
    ];
    const attackers: { socket: Socket; closed: Promise<number>; answer: () => string; body: boolean }[] = [];
    const timers: NodeJS.Timeout[] = [];
    onTestFinished(() => {
      for (const timer of timers) clearInterval(timer);
    });
    const attack = async (i: number) => {
      const socket = await openTcpSocket(server);
      let answer = "";
      socket.on("data", (chunk: Buffer) => {
        answer += chunk.toString("latin1");
      });
      const closed = closedWithin(socket);
      const kind = i % 4;
      if (kind === 3) {
        // Headers in full, then a body that dribbles: the whole-request deadline.
        socket.write(
          `POST /api/join HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
        );
      }
      if (kind !== 2) {
        // kind 2 sends nothing at all; the others dribble a byte every 100 ms (never done in time).
        const bytes = kind === 3 ? "x".repeat(1000) : (heads[kind] ?? "");
        let at = 0;
        timers.push(
          setInterval(() => {
            if (at < bytes.length && !socket.destroyed) socket.write(bytes.slice(at, ++at));
          }, 100),
        );
      }
      return { socket, closed, answer: () => answer, body: kind === 3 };
    };
    attackers.push(...(await Promise.all(Array.from({ length: 200 }, (_, i) => attack(i)))));

    // Meanwhile: ordinary requests and live sync go on.
    const latencies: number[] = [];
    const attackersOpen: number[] = [];
    for (let i = 0; i < 20; i++) {
      attackersOpen.push(attackers.filter(({ socket }) => !socket.destroyed).length);
      const started = Date.now();
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      await response.text();
      latencies.push(Date.now() - started);
      a.doc.getMap("notes").set(`n${i}`, `under attack ${i}`);
      await eventually(() => expect(b.doc.getMap("notes").get(`n${i}`)).toBe(`under attack ${i}`));
    }
    // Served while (nearly) all of them were hanging on.
    expect(attackersOpen[0]).toBe(200);
    expect(attackersOpen.filter((open) => open >= 150).length).toBeGreaterThanOrEqual(5);

    const closedAfter = await Promise.all(attackers.map(({ closed }) => closed));
    for (const [i, ms] of closedAfter.entries()) {
      // Each is cut at its deadline plus Node's check interval (a quarter of the headers deadline):
      // slow headers (or none) at the headers deadline, a slow body at the request one. Without
      // them Node would wait 60 s for headers (checked every 30 s), and as Fastify sets it up,
      // forever for a body.
      const deadline = attackers[i]?.body ? requestMs : headersMs;
      expect(ms, `attacker ${i}`).toBeGreaterThanOrEqual(deadline - 100);
      expect(ms, `attacker ${i}`).toBeLessThan(deadline + 2_500); // slack for a loaded machine
    }
    expect(attackers.filter(({ answer }) => answer().startsWith("HTTP/1.1 408")).length).toBe(200);

    // The sync sockets outlived the request deadlines: upgraded sockets are not requests.
    a.doc.getMap("notes").set("after", "still here");
    await eventually(() => expect(b.doc.getMap("notes").get("after")).toBe("still here"));
    expect(a.closeCodes).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    latencies.sort((x, y) => x - y);
    console.info(
      `http slowloris: 200 attackers cut after ${Math.min(...closedAfter)}–${Math.max(...closedAfter)} ms; /healthz meanwhile median ${latencies[10]} ms, max ${latencies[19]} ms`,
    );
  });
});
