/**
 * The tablet's JavaScript budget (issue 7): what a tablet loads to show its board is at most
 * 150 KB gzipped, measured on the production build (`npm test` runs `vite build` first). The
 * facilitator's and the screen's pages may load more, lazily; their figure is printed only.
 *
 * `SAMLA_CLIENT_ROOT` points at another build (as for the browser tests).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  appRoutes,
  describeRoute,
  htmlScripts,
  kib,
  type Manifest,
  reachable,
  readBuild,
  routeScripts,
  routeSize,
} from "../../bench/client/bundle.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLIENT_ROOT = process.env.SAMLA_CLIENT_ROOT ?? path.join(ROOT, "dist/client");
const APP_SOURCE = path.join(ROOT, "client/src/App.tsx");
const TABLET_BUDGET_BYTES = 150 * 1024;

// A small build: an entry with a shared chunk, a lazy board with a lazy part of its own that
// shares a chunk, and a lazy console that imports the entry back (as Vite's chunks do).
const MANIFEST: Manifest = {
  "index.html": {
    file: "assets/index.js",
    isEntry: true,
    imports: ["_shared.js"],
    dynamicImports: ["src/board/BoardPage.tsx", "src/facilitator/FacilitatorPage.tsx"],
  },
  "_shared.js": { file: "assets/shared.js" },
  "_vote.js": { file: "assets/vote-common.js", imports: ["_shared.js"] },
  "src/board/BoardPage.tsx": {
    file: "assets/BoardPage.js",
    isDynamicEntry: true,
    imports: ["index.html", "_shared.js"],
    dynamicImports: ["src/board/Voting.tsx"],
  },
  "src/board/Voting.tsx": {
    file: "assets/Voting.js",
    isDynamicEntry: true,
    imports: ["_vote.js", "index.html"],
  },
  "src/facilitator/FacilitatorPage.tsx": {
    file: "assets/FacilitatorPage.js",
    isDynamicEntry: true,
    imports: ["index.html", "_vote.js"],
  },
};

const HTML = `<!doctype html><html><head>
<script type="module" crossorigin src="/assets/index.js"></script>
<link rel="modulepreload" crossorigin href="/assets/shared.js">
<link rel="stylesheet" crossorigin href="/assets/index.css">
</head><body></body></html>`;

const LAZY_APP = `
const BoardPage = lazy(() => import("./board/BoardPage.tsx").then((m) => ({ default: m.BoardPage })));
const FacilitatorPage = lazy(() =>
  import("./facilitator/FacilitatorPage.tsx").then((m) => ({ default: m.FacilitatorPage })),
);
{route.name === "board" && <BoardPage workshopId={route.workshopId} />}
{route.name === "facilitate" && <FacilitatorPage workshopId={route.workshopId} />}`;

const STATIC_APP = `
import { BoardPage } from "./board/BoardPage.tsx";
const FacilitatorPage = lazy(() => import("./facilitator/FacilitatorPage.tsx"));
{route.name === "board" && <BoardPage />}
{route.name === "facilitate" && <FacilitatorPage />}`;

describe("walking the manifest", () => {
  it.each([
    {
      what: "static imports only",
      roots: ["index.html"],
      dynamic: false,
      skip: [],
      keys: ["index.html", "_shared.js"],
    },
    {
      what: "dynamic imports too",
      roots: ["src/board/BoardPage.tsx"],
      dynamic: true,
      skip: [],
      keys: [
        "src/board/BoardPage.tsx",
        "index.html",
        "_shared.js",
        "src/board/Voting.tsx",
        "src/facilitator/FacilitatorPage.tsx",
        "_vote.js",
      ],
    },
    {
      what: "what the entry already loaded is neither counted nor followed",
      roots: ["src/board/BoardPage.tsx"],
      dynamic: true,
      skip: ["index.html", "_shared.js"],
      keys: ["src/board/BoardPage.tsx", "src/board/Voting.tsx", "_vote.js"],
    },
    {
      what: "a cycle ends",
      roots: ["src/board/Voting.tsx"],
      dynamic: false,
      skip: [],
      keys: ["src/board/Voting.tsx", "_vote.js", "index.html", "_shared.js"],
    },
  ])("$what", ({ roots, dynamic, skip, keys }) => {
    expect(reachable(MANIFEST, roots, { dynamic, skip: new Set(skip) })).toEqual(keys);
  });

  it("refuses a chunk the manifest does not have", () => {
    expect(() => reachable(MANIFEST, ["src/nowhere.tsx"], { dynamic: false })).toThrow(/no chunk/);
  });
});

describe("routes and scripts", () => {
  it.each([
    {
      what: "a lazy page",
      app: LAZY_APP,
      route: "board",
      component: "BoardPage",
      lazy: "src/board/BoardPage.tsx",
    },
    { what: "a page bundled in", app: STATIC_APP, route: "board", component: "BoardPage", lazy: null },
    {
      what: "a lazy page over several lines",
      app: LAZY_APP,
      route: "facilitate",
      component: "FacilitatorPage",
      lazy: "src/facilitator/FacilitatorPage.tsx",
    },
  ])("App.tsx: $what", ({ app, route, component, lazy }) => {
    expect(appRoutes(app).get(route)).toEqual({ component, lazyModule: lazy });
  });

  it("reads module scripts and modulepreloads from index.html, not styles", () => {
    expect(htmlScripts(HTML)).toEqual(["assets/index.js", "assets/shared.js"]);
  });

  it.each([
    {
      what: "a lazy board: the entry, its imports, the board and its own lazy part",
      app: LAZY_APP,
      route: "board",
      files: [
        "assets/index.js",
        "assets/shared.js",
        "assets/BoardPage.js",
        "assets/Voting.js",
        "assets/vote-common.js",
      ],
    },
    {
      what: "a board bundled in the entry: the entry and its imports only",
      app: STATIC_APP,
      route: "board",
      files: ["assets/index.js", "assets/shared.js"],
    },
    {
      what: "the console",
      app: LAZY_APP,
      route: "facilitate",
      files: ["assets/index.js", "assets/shared.js", "assets/FacilitatorPage.js", "assets/vote-common.js"],
    },
  ])("$what", ({ app, route, files }) => {
    expect(routeScripts(MANIFEST, HTML, appRoutes(app), route)).toEqual(files);
  });

  it("fails when App.tsx and the manifest disagree, or index.html is stale", () => {
    const { "src/board/BoardPage.tsx": _board, ...withoutBoard } = MANIFEST;
    expect(() => routeScripts(withoutBoard, HTML, appRoutes(LAZY_APP), "board")).toThrow(/no such chunk/);
    expect(() => routeScripts(MANIFEST, HTML, appRoutes(LAZY_APP), "cards")).toThrow(/no route "cards"/);
    const stale = HTML.replace("/assets/index.js", "/assets/index-old.js");
    expect(() => routeScripts(MANIFEST, stale, appRoutes(LAZY_APP), "board")).toThrow(/index-old\.js/);
  });

  it("says to build first when there is no build, or one without a manifest", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "samla-bundle-"));
    try {
      expect(() => readBuild(dir)).toThrow(/index\.html is missing: run vite build first/);
      writeFileSync(path.join(dir, "index.html"), HTML);
      expect(() => readBuild(dir)).toThrow(/manifest\.json is missing: .*run vite build first/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the production build", () => {
  it("loads at most 150 KB of JavaScript, gzipped, for a tablet to show its board", () => {
    const build = readBuild(CLIENT_ROOT);
    const app = readFileSync(APP_SOURCE, "utf8");
    const tablet = routeSize(build, app, "board");
    const console_ = routeSize(build, app, "facilitate");
    const screen = routeSize(build, app, "screen");
    console.log(
      [
        `bundle budget, ${path.relative(ROOT, CLIENT_ROOT) || CLIENT_ROOT}:`,
        describeRoute(tablet),
        describeRoute(console_),
        describeRoute(screen),
        `tablet: ${kib(tablet.gzipBytes)} of ${kib(TABLET_BUDGET_BYTES)} gzipped`,
      ].join("\n"),
    );
    // The console's and the screen's pages are never among what a tablet loads.
    const tabletFiles = new Set(tablet.scripts.map((script) => script.file));
    const pageChunks = [
      build.manifest["src/facilitator/FacilitatorPage.tsx"],
      build.manifest["src/screen/ScreenPage.tsx"],
    ];
    for (const chunk of pageChunks) {
      expect(chunk, "the console and the screen are lazily loaded chunks").toBeDefined();
      expect(tabletFiles.has(chunk?.file ?? ""), `${chunk?.file} is not loaded by a tablet`).toBe(false);
    }
    expect(tablet.gzipBytes, `a tablet's JavaScript, gzipped (${kib(tablet.gzipBytes)})`).toBeLessThanOrEqual(
      TABLET_BUDGET_BYTES,
    );
  });
});
