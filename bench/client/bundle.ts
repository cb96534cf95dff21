/**
 * The JavaScript a route of the web app loads, from a production build (`vite build` with
 * `build.manifest`), and its size gzipped. Used by the bundle budget in `npm test`
 * (test/integration/bundle.test.ts) and printed by `npm run bench:client`.
 *
 * What a route loads:
 * - the entry script named in `index.html`, its `modulepreload`s, and everything the entry imports
 *   statically (the manifest's `imports`, transitively): every page loads these;
 * - when App.tsx loads the route's page lazily (`lazy(() => import("./…"))`), that page's chunk and
 *   everything it imports, statically or dynamically (a page's own lazy parts count: it needs
 *   them to be whole). Chunks already loaded by the entry are not followed again: their dynamic
 *   imports are the other pages.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** One chunk of Vite's `.vite/manifest.json` (the fields used here). */
export interface ManifestChunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly isDynamicEntry?: boolean;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
  readonly css?: readonly string[];
}

/** Manifest keys (source paths relative to `client/`, or `_name-hash.js` for shared chunks) to chunks. */
export type Manifest = Readonly<Record<string, ManifestChunk>>;

export const MANIFEST_PATH = ".vite/manifest.json";
/** gzip level used for every figure (the highest; what a precompressing server would ship). */
export const GZIP_LEVEL = 9;

export interface Build {
  readonly root: string;
  readonly manifest: Manifest;
  readonly html: string;
}

/** Reads a build's manifest and index.html; says how to get them when they are missing. */
export function readBuild(root: string): Build {
  const index = path.join(root, "index.html");
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: run vite build first (npm run build; npm test does it)`);
  }
  const manifestFile = path.join(root, MANIFEST_PATH);
  if (!existsSync(manifestFile)) {
    throw new Error(
      `${manifestFile} is missing: this build is older than build.manifest in vite.config.ts; run vite build first`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  return { root, manifest, html: readFileSync(index, "utf8") };
}

export interface ReachOptions {
  /** Follow `dynamicImports` too (a lazily loaded page's own lazy parts). */
  readonly dynamic: boolean;
  /** Keys neither returned nor followed (already loaded). */
  readonly skip?: ReadonlySet<string>;
}

/** The manifest keys reachable from `roots` (roots included), in the order first reached. */
export function reachable(manifest: Manifest, roots: readonly string[], options: ReachOptions): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    if (seen.has(key) || options.skip?.has(key)) continue;
    const chunk = manifest[key];
    if (chunk === undefined) throw new Error(`the manifest has no chunk ${JSON.stringify(key)}`);
    seen.add(key);
    queue.push(...(chunk.imports ?? []));
    if (options.dynamic) queue.push(...(chunk.dynamicImports ?? []));
  }
  return [...seen];
}

export interface AppRoute {
  readonly component: string;
  /** The page's module as a manifest key (`src/…`) when App.tsx loads it lazily; null when bundled in. */
  readonly lazyModule: string | null;
}

/**
 * The routes of App.tsx: `route.name === "board" && <BoardPage …/>`, and for components declared
 * `const X = lazy(() => import("./x/X.tsx")…)`, the module they load.
 */
export function appRoutes(appSource: string): ReadonlyMap<string, AppRoute> {
  const lazyModules = new Map<string, string>();
  for (const match of appSource.matchAll(
    /const\s+(\w+)\s*=\s*lazy\(\s*\(\)\s*=>\s*import\(\s*"\.\/([^"]+)"/g,
  )) {
    const [, component, module] = match;
    if (component !== undefined && module !== undefined) lazyModules.set(component, `src/${module}`);
  }
  const routes = new Map<string, AppRoute>();
  for (const match of appSource.matchAll(/route\.name\s*===\s*"(\w+)"\s*&&\s*<(\w+)/g)) {
    const [, name, component] = match;
    if (name === undefined || component === undefined) continue;
    routes.set(name, { component, lazyModule: lazyModules.get(component) ?? null });
  }
  return routes;
}

/** Scripts `index.html` loads at once: module scripts and modulepreloads, as paths under the build root. */
export function htmlScripts(html: string): string[] {
  const out: string[] = [];
  for (const match of html.matchAll(/<(script|link)\b([^>]*)>/g)) {
    const [, tag, attributes = ""] = match;
    const attribute = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
    const url =
      tag === "script" && attribute("type") === "module"
        ? attribute("src")
        : tag === "link" && attribute("rel") === "modulepreload"
          ? attribute("href")
          : undefined;
    if (url !== undefined) out.push(url.replace(/^\//, ""));
  }
  return out;
}

/** The script files (relative to the build root) a route loads to show its page. */
export function routeScripts(
  manifest: Manifest,
  html: string,
  routes: ReadonlyMap<string, AppRoute>,
  route: string,
): string[] {
  const appRoute = routes.get(route);
  if (appRoute === undefined) {
    throw new Error(
      `App.tsx has no route ${JSON.stringify(route)} (found: ${[...routes.keys()].join(", ")})`,
    );
  }
  const entries = Object.keys(manifest).filter((key) => manifest[key]?.isEntry === true);
  if (entries.length === 0) throw new Error("the manifest has no entry chunk");
  const entryKeys = reachable(manifest, entries, { dynamic: false });
  const files = entryKeys.map((key) => fileOf(manifest, key));
  for (const script of htmlScripts(html)) {
    // index.html and the manifest must tell the same story, or one of them is stale.
    if (!files.includes(script)) {
      throw new Error(`index.html loads ${script}, which is not the manifest's entry or one of its imports`);
    }
  }
  if (appRoute.lazyModule !== null) {
    if (manifest[appRoute.lazyModule] === undefined) {
      throw new Error(
        `App.tsx loads ${appRoute.component} lazily from ${appRoute.lazyModule}, but the manifest has no such chunk`,
      );
    }
    const lazyKeys = reachable(manifest, [appRoute.lazyModule], { dynamic: true, skip: new Set(entryKeys) });
    files.push(...lazyKeys.map((key) => fileOf(manifest, key)));
  }
  return [...new Set(files)];
}

function fileOf(manifest: Manifest, key: string): string {
  const chunk = manifest[key];
  if (chunk === undefined) throw new Error(`the manifest has no chunk ${JSON.stringify(key)}`);
  return chunk.file;
}

export function gzipSize(data: Uint8Array): number {
  return gzipSync(data, { level: GZIP_LEVEL }).length;
}

export interface ScriptSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface RouteSize {
  readonly route: string;
  readonly scripts: readonly ScriptSize[];
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** Sizes of what `route` loads in `build`; `appSource` is client/src/App.tsx. */
export function routeSize(build: Build, appSource: string, route: string): RouteSize {
  const files = routeScripts(build.manifest, build.html, appRoutes(appSource), route);
  const scripts = files.map((file) => {
    const data = readFileSync(path.join(build.root, file));
    return { file, bytes: data.length, gzipBytes: gzipSize(data) };
  });
  return {
    route,
    scripts,
    bytes: scripts.reduce((sum, script) => sum + script.bytes, 0),
    gzipBytes: scripts.reduce((sum, script) => sum + script.gzipBytes, 0),
  };
}

export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** A few lines for a person: each script and the total, raw and gzipped. */
export function describeRoute(size: RouteSize): string {
  const lines = size.scripts.map(
    (script) =>
      `  ${script.file.padEnd(40)} ${kib(script.bytes).padStart(10)} ${kib(script.gzipBytes).padStart(10)} gz`,
  );
  lines.push(
    `  ${"total".padEnd(40)} ${kib(size.bytes).padStart(10)} ${kib(size.gzipBytes).padStart(10)} gz`,
  );
  return `route "${size.route}" (gzip level ${GZIP_LEVEL}, 1 KB = 1024 bytes):\n${lines.join("\n")}`;
}
