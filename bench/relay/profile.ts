/**
 * Summarizes V8 CPU profiles (`.cpuprofile`, as `npm run bench -- --profile DIR` writes them for
 * every Samla process): where the time went, by area and by function, self and inclusive.
 *
 *   npx tsx bench/relay/profile.ts DIR_OR_FILE... [--top N] [--focus NAME]
 *
 * `--focus NAME` also prints what the functions called NAME spend their inclusive time in.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Which part of the stack a frame belongs to, from its script's path. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === "") {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)") return "V8/native (program)";
    return `native: ${functionName || "(anonymous)"}`;
  }
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  if (url.startsWith("node:")) {
    if (/net|stream|tcp|socket/.test(url)) return "node: sockets and streams";
    return "node: other";
  }
  const project = /\/(server|shared)\/(.+)$/.exec(url);
  if (project?.[1] !== undefined && project[2] !== undefined) {
    return `${project[1]}/${project[2].split("/").slice(0, -1).join("/") || "."}`;
  }
  return url;
}

function label(frame: CallFrame): string {
  const file =
    frame.url === ""
      ? ""
      : ` ${frame.url.replace(/^.*\/(node_modules|server|shared)\//, "$1/")}:${frame.lineNumber + 1}`;
  return `${frame.functionName || "(anonymous)"}${file}`;
}

function files(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (statSync(arg).isDirectory()) {
      for (const name of readdirSync(arg)) if (name.endsWith(".cpuprofile")) out.push(path.join(arg, name));
    } else {
      out.push(arg);
    }
  }
  return out;
}

function summarize(file: string, top: number, focus: string | null): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  let total = 0;
  let idle = 0;
  const selfByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const focusChildren = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    total += us;
    if (node.callFrame.functionName === "(idle)") idle += us;
    const name = label(node.callFrame);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + us);
    const where = area(node.callFrame);
    selfByArea.set(where, (selfByArea.get(where) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    let below: string | null = null;
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame === undefined) break;
      const key = label(frame);
      if (focus !== null && frame.functionName === focus && below !== null) {
        focusChildren.set(below, (focusChildren.get(below) ?? 0) + us);
      }
      below = key;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const print = (title: string, entries: Map<string, number>, limit: number) => {
    console.log(`\n  ${title}`);
    for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      console.log(`  ${ms(us)} ${pct(us)}  ${name}`);
    }
  };
  console.log(
    `\n${file}: ${(busy / 1000).toFixed(0)} ms busy (idle excluded), ${profile.samples.length} samples`,
  );
  selfByArea.delete("idle");
  print("self time by area", selfByArea, top);
  selfByFunction.delete("(idle)");
  print("self time by function", selfByFunction, top);
  for (const key of [...inclusive.keys()]) if (key.startsWith("(")) inclusive.delete(key);
  print("inclusive time by function", inclusive, top);
  if (focus !== null) print(`inside ${focus}: inclusive time of its callees`, focusChildren, top);
}

function main(): void {
  const args = process.argv.slice(2);
  let top = 25;
  let focus: string | null = null;
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--top") top = Number(args[++i]);
    else if (arg === "--focus") focus = args[++i] ?? null;
    else if (arg !== undefined) inputs.push(arg);
  }
  if (inputs.length === 0) {
    console.error("usage: npx tsx bench/relay/profile.ts DIR_OR_FILE... [--top N] [--focus NAME]");
    process.exit(2);
  }
  for (const file of files(inputs)) summarize(file, top, focus);
}

main();
