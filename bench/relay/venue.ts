import http from "node:http";
import type { CreateWorkshopRequest, CreateWorkshopResponse, JoinResponse } from "../../shared/api.ts";
import { docName, synthesisDoc, tableDoc } from "../../shared/docNames.ts";
import type { ServerProcess } from "./servers.ts";

/**
 * One workshop on one server: its documents' names and the tokens to open them with. On Samla
 * it is created through the HTTP API (`POST /api/workshops`, then one `POST /api/join` per table
 * for a table token); the reference has no workshops or tokens and takes any room name, so it
 * gets names of the same shape.
 */
export interface Venue {
  readonly tables: number;
  tableDoc(table: number): string;
  synthesisDoc(): string;
  /** A table's token (read-write on its own table, read on the synthesis); null on the reference. */
  tableToken(table: number): string | null;
  /** Read-write everywhere; null on the reference. */
  readonly facilitatorToken: string | null;
  /** Where this venue's requests come from: each workshop from its own venue network address. */
  readonly localAddress: string;
}

export function syncUrl(server: ServerProcess, name: string, token: string | null): string {
  const base = `ws://127.0.0.1:${server.port}`;
  return server.kind === "samla"
    ? `${base}/sync/${name}?token=${encodeURIComponent(token ?? "")}`
    : `${base}/${name}`;
}

let venueCounter = 0;

export async function openVenue(server: ServerProcess, tables: number): Promise<Venue> {
  const index = venueCounter++;
  // 127.0.0.0/8 is all loopback: each workshop joins from its own address, as venues do (Samla
  // rate-limits join attempts per address; one venue's 40 tablets stay well within it).
  const localAddress = `127.0.${1 + Math.floor(index / 200)}.${10 + (index % 200)}`;
  if (server.kind === "reference") {
    const prefix = `bench${index}`;
    return {
      tables,
      tableDoc: (table) => `${prefix}/table/t${table}`,
      synthesisDoc: () => `${prefix}/synthesis`,
      tableToken: () => null,
      facilitatorToken: null,
      localAddress,
    };
  }
  const request: CreateWorkshopRequest = { title: `Benchmark ${index}`, language: "en", tables };
  const created = await postJson<CreateWorkshopResponse>(
    server,
    "/api/workshops",
    request,
    localAddress,
    201,
  );
  const tokens: string[] = [];
  for (const table of created.tables) {
    const joined = await postJson<JoinResponse>(
      server,
      "/api/join",
      { code: table.joinCode },
      localAddress,
      200,
    );
    tokens.push(joined.token);
  }
  return {
    tables,
    tableDoc: (table) => {
      const link = created.tables[table];
      if (link === undefined) throw new Error(`no table ${table}`);
      return docName(tableDoc(created.workshopId, link.id));
    },
    synthesisDoc: () => docName(synthesisDoc(created.workshopId)),
    tableToken: (table) => {
      const token = tokens[table];
      if (token === undefined) throw new Error(`no token for table ${table}`);
      return token;
    },
    facilitatorToken: created.facilitatorToken,
    localAddress,
  };
}

function postJson<T>(
  server: ServerProcess,
  pathname: string,
  body: unknown,
  localAddress: string,
  expectStatus: number,
): Promise<T> {
  const payload = JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: pathname,
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => {
          if (response.statusCode !== expectStatus) {
            reject(new Error(`POST ${pathname}: ${response.statusCode} ${text}`));
            return;
          }
          resolve(JSON.parse(text) as T);
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}
