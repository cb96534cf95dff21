import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { checkConvergence } from "./convergence.ts";
import type { DocLoad } from "./load.ts";
import { type Budget, markdownTable, type Table } from "./report.ts";
import {
  type Pinning,
  SERVER_LABEL,
  type ServerKind,
  type ServerProcess,
  startReference,
  startSamla,
} from "./servers.ts";

export interface Settings {
  readonly quick: boolean;
  readonly seed: number;
  readonly pinning: Pinning;
  /** Server processes write V8 CPU profiles here (samla/, reference/) when they exit. */
  readonly profileDir: string | null;
  /** The grid's phases sample both servers with Linux perf, writing the recordings here (cpuSampling.ts). */
  readonly perfDir: string | null;
  /** Keystrokes/s per writer that saturate the reference; null: find it with a ramp. */
  readonly saturationRate: number | null;
  /** Where Samla's data directories are made (its SQLite file lives there): the disk under test. */
  readonly dataBase: string;
}

/** What a run collects: tables, budgets, and anything that makes the run fail. */
export class Bench {
  readonly tables: Table[] = [];
  readonly budgets: Budget[] = [];
  readonly failures: string[] = [];
  private readonly started = performance.now();

  constructor(readonly settings: Settings) {}

  log(message: string): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[bench ${seconds}s] ${message}\n`);
  }

  /** Prints a table to stdout at once, and keeps it for the record. */
  table(table: Table): void {
    this.tables.push(table);
    process.stdout.write(`${markdownTable(table)}\n\n`);
  }

  budget(budget: Budget): void {
    this.budgets.push(budget);
  }

  /** Runs `body` against a fresh server process, then stops it; a crash fails the run. */
  async withServer<T>(
    kind: ServerKind,
    body: (server: ServerProcess) => Promise<T>,
    options: { readonly dataDir?: string } = {},
  ): Promise<T> {
    const ownDir = kind === "samla" && options.dataDir === undefined;
    const dataDir = ownDir ? mkdtempSync(path.join(this.settings.dataBase, "samla-bench-")) : options.dataDir;
    const profile = {
      ...(this.settings.profileDir === null ? {} : { profileDir: this.settings.profileDir }),
      perfMap: this.settings.perfDir !== null,
    };
    const removeDir = () => {
      if (ownDir && dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    };
    let server: ServerProcess;
    try {
      server =
        kind === "samla"
          ? await startSamla({ dataDir: dataDir ?? "", pinning: this.settings.pinning, ...profile })
          : await startReference({ pinning: this.settings.pinning, ...profile });
    } catch (error) {
      removeDir();
      throw error;
    }
    try {
      return await body(server);
    } finally {
      const crash = server.crashed();
      if (crash !== null) this.failures.push(`${SERVER_LABEL[kind]} crashed: ${crash}`);
      await server.stop();
      removeDir();
    }
  }

  /** Checks that every client of these documents converged; a failure fails the run. */
  converged(label: string, loads: readonly DocLoad[]): void {
    const result = checkConvergence(loads);
    if (result.failures.length > 0) {
      this.failures.push(
        `${label}: ${result.failures.length} clients did not converge: ${result.failures.join("; ")}`,
      );
      this.log(`${label}: CONVERGENCE FAILED (${result.failures.length} clients)`);
    } else {
      this.log(`${label}: all ${result.clients} clients of ${result.documents} documents converged`);
    }
  }
}
