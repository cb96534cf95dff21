/**
 * The benchmark's instruments inside the page, installed with `page.addInitScript` before the
 * app's scripts run. Plain JavaScript in a string: what tsx compiles from TypeScript may call
 * helpers that do not exist in the page.
 *
 * - Every WebSocket gets a `message` listener of its own, registered before y-websocket sets its
 *   `onmessage`, so it runs first: the moment a table document's message reaches the page.
 * - A MutationObserver on the whole document: when the page holds `target` notes (elements of
 *   `className`) while loading, and, for an armed arrival, the DOM mutations it caused and the
 *   moment its note (or keystroke) is in the DOM.
 * - A stand-in for React's DevTools hook (production React calls it after every commit): when
 *   asked, it counts the function components that rendered in each commit of an arrival, by
 *   walking only the subtrees the commit changed (a skipped subtree keeps its old `child`).
 *
 * After the DOM change it waits two frames (requestAnimationFrame, then a task after the second
 * frame) so the style, layout and paint the change caused are inside the measured window.
 */

export interface InPageConfig {
  /** Class of one note's element in the measured view. */
  readonly className: string;
  /** Notes the view shows once loaded. */
  readonly target: number;
  readonly loadTimeoutMs: number;
}

/** Times are performance.now(): ms since navigation start; null when it did not happen. */
export interface LoadResult {
  /** The app's first elements in #root. */
  readonly appAt: number | null;
  /** The documents request (`GET /api/workshops/:id/documents`, Resource Timing): sent, answered. */
  readonly documentsSentAt: number | null;
  readonly documentsInAt: number | null;
  /** The meta document's socket: created, open, first message. */
  readonly metaSocketCreatedAt: number | null;
  readonly metaSocketOpenAt: number | null;
  readonly metaDataAt: number | null;
  /** The first note in the DOM. */
  readonly firstAt: number;
  /** …when `target` notes were in the DOM. */
  readonly allAt: number;
  /** When the frame that showed them was painted. */
  readonly paintedAt: number;
  /** First message on the last table document's socket to receive one: all data has arrived by about then. */
  readonly lastTableDataAt: number | null;
  /** Table documents' WebSockets: how many, when the last was created, when the last opened. */
  readonly tableSockets: number;
  readonly tableSocketsCreatedAt: number | null;
  readonly tableSocketsOpenAt: number | null;
  readonly notes: number;
  readonly elements: number;
}

export interface ArrivalSpec {
  /** Part of the WebSocket URL whose next message starts the clock (`/table/<id>`). */
  readonly match: string;
  /** `count`: `add` more notes (or `count` notes); `text`: a changed node holds `text`; `idle`: nothing (baseline). */
  readonly kind: "count" | "text" | "idle";
  readonly add?: number;
  readonly count?: number;
  readonly text?: string;
  readonly timeoutMs: number;
}

export interface Mutations {
  readonly records: number;
  readonly added: number;
  readonly removed: number;
  readonly attributes: number;
  readonly text: number;
}

export interface Fibers {
  readonly commits: number;
  /** Function components that rendered again. */
  readonly rendered: number;
  /** Function components mounted. */
  readonly mounted: number;
}

export interface ArrivalResult {
  /** When the message reached the page (null for `idle`). */
  readonly t0: number | null;
  readonly tDom: number | null;
  readonly tPainted: number;
  readonly tDone: number;
  /** Other WebSocket messages that reached the page in the window (presence, other documents). */
  readonly others: number;
  readonly mutations: Mutations;
  readonly fibers: Fibers;
}

export function instrument(config: InPageConfig): string {
  return `(${SOURCE})(${JSON.stringify(config)});`;
}

export const BENCH = "window.__samlaBench";

const SOURCE = String.raw`function (config) {
  var now = function () { return performance.now(); };
  // Counted from the mutation records (the class's elements in subtrees added and removed), not
  // with a live collection: re-counting 2,000 notes after every change cost more than the change.
  var notes = new Set();
  function each(node, f) {
    if (node.nodeType !== 1) return;
    if (node.classList.contains(config.className)) f(node);
    var inside = node.getElementsByClassName(config.className);
    for (var i = 0; i < inside.length; i++) f(inside[i]);
  }
  function track(records) {
    for (var k = 0; k < records.length; k++) {
      var record = records[k];
      if (record.type !== "childList") continue;
      record.addedNodes.forEach(function (node) {
        if (node.isConnected) each(node, function (el) { notes.add(el); });
      });
      record.removedNodes.forEach(function (node) {
        if (!node.isConnected) each(node, function (el) { notes.delete(el); });
      });
    }
  }
  function noteCount() { return notes.size; }
  // A task queued from a frame's requestAnimationFrame callback runs once that frame's style,
  // layout and paint are done: when the change was painted. A second frame follows, so that
  // whatever the change left for later is inside the measured window too.
  function afterFrames(done) {
    requestAnimationFrame(function () {
      var paintedAt = null;
      setTimeout(function () { paintedAt = now(); }, 0);
      requestAnimationFrame(function () {
        setTimeout(function () { done(paintedAt, now()); }, 0);
      });
    });
  }

  var load = {
    appAt: null, metaDataAt: null, firstAt: null, allAt: null, paintedAt: null,
    tableData: {}, sockets: [], resolve: null, result: null,
  };
  var bench = { armed: null, countFibers: false };
  Object.defineProperty(window, "__samlaBench", { value: bench });

  var Native = window.WebSocket;
  class Watched extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      var href = String(url);
      var table = /\/table\/([A-Za-z0-9_-]+)/.exec(href);
      var meta = /\/meta(\?|$)/.test(href);
      var timing = { table: table !== null, meta: meta, createdAt: now(), openAt: null };
      load.sockets.push(timing);
      this.addEventListener("open", function () { timing.openAt = now(); });
      this.addEventListener("message", function () {
        var t = now();
        if (meta && load.metaDataAt === null) load.metaDataAt = t;
        if (table !== null && !(table[1] in load.tableData)) load.tableData[table[1]] = t;
        var a = bench.armed;
        if (a === null) return;
        if (a.t0 === null && a.spec.kind !== "idle" && href.indexOf(a.spec.match) >= 0) a.t0 = t;
        else a.others++;
      });
    }
  }
  window.WebSocket = Watched;

  function finishLoad(paintedAt) {
    load.paintedAt = paintedAt;
    var data = Object.keys(load.tableData).map(function (k) { return load.tableData[k]; });
    var tables = load.sockets.filter(function (s) { return s.table; });
    var metaSocket = load.sockets.filter(function (s) { return s.meta; })[0] || null;
    var latest = function (list) { return list.length === 0 ? null : Math.max.apply(null, list); };
    var documents = performance.getEntriesByType("resource").filter(function (e) {
      return /\/api\/workshops\/[A-Za-z0-9_-]+\/documents$/.test(e.name);
    })[0] || null;
    load.result = {
      appAt: load.appAt,
      documentsSentAt: documents === null ? null : documents.startTime,
      documentsInAt: documents === null ? null : documents.responseEnd,
      metaSocketCreatedAt: metaSocket === null ? null : metaSocket.createdAt,
      metaSocketOpenAt: metaSocket === null ? null : metaSocket.openAt,
      metaDataAt: load.metaDataAt,
      firstAt: load.firstAt,
      allAt: load.allAt,
      paintedAt: paintedAt,
      lastTableDataAt: latest(data),
      tableSockets: tables.length,
      tableSocketsCreatedAt: latest(tables.map(function (s) { return s.createdAt; })),
      tableSocketsOpenAt: latest(tables.map(function (s) { return s.openAt === null ? Infinity : s.openAt; })),
      notes: noteCount(),
      elements: document.getElementsByTagName("*").length,
    };
    if (load.resolve !== null) load.resolve(load.result);
  }

  function arrived(a, records) {
    if (a.spec.kind === "count") return noteCount() === a.expect;
    if (a.spec.kind !== "text") return false;
    for (var i = 0; i < records.length; i++) {
      var text = records[i].target.textContent;
      if (text !== null && text.indexOf(a.spec.text) >= 0) return true;
    }
    return false;
  }

  function settle(a, tDom) {
    a.tDom = tDom;
    afterFrames(function (paintedAt, doneAt) {
      clearTimeout(a.timer);
      a.resolve({
        t0: a.t0, tDom: a.tDom, tPainted: paintedAt, tDone: doneAt, others: a.others,
        mutations: a.mutations, fibers: a.fibers,
      });
    });
  }

  new MutationObserver(function (records) {
    var t = now();
    track(records);
    if (load.appAt === null) {
      var root = document.getElementById("root");
      if (root !== null && root.firstElementChild !== null) load.appAt = t;
    }
    if (load.allAt === null) {
      var n = noteCount();
      if (n > 0 && load.firstAt === null) load.firstAt = t;
      if (n >= config.target) {
        load.allAt = t;
        afterFrames(finishLoad);
      }
    }
    var a = bench.armed;
    if (a === null) return;
    var m = a.mutations;
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      m.records++;
      if (r.type === "childList") {
        m.added += r.addedNodes.length;
        m.removed += r.removedNodes.length;
      } else if (r.type === "attributes") m.attributes++;
      else m.text++;
    }
    if (a.tDom === null && arrived(a, records)) settle(a, t);
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });

  bench.loaded = function () {
    if (load.result !== null) return Promise.resolve(load.result);
    return new Promise(function (resolve, reject) {
      load.resolve = resolve;
      setTimeout(function () {
        reject(new Error("not all notes shown after " + config.loadTimeoutMs + " ms: " + noteCount() + " of " + config.target));
      }, config.loadTimeoutMs);
    });
  };

  bench.arm = function (spec) {
    var a = {
      spec: spec,
      expect: spec.kind !== "count" ? 0 : typeof spec.count === "number" ? spec.count : noteCount() + (spec.add || 1),
      t0: null,
      tDom: null,
      others: 0,
      mutations: { records: 0, added: 0, removed: 0, attributes: 0, text: 0 },
      fibers: { commits: 0, rendered: 0, mounted: 0 },
    };
    a.promise = new Promise(function (resolve, reject) {
      a.resolve = resolve;
      a.timer = setTimeout(function () {
        reject(new Error("arrival not shown after " + spec.timeoutMs + " ms: " + JSON.stringify(spec)));
      }, spec.timeoutMs);
    });
    bench.armed = a;
    if (spec.kind === "idle") settle(a, null);
  };

  bench.settled = function () {
    var a = bench.armed;
    return a.promise.then(function (result) {
      bench.armed = null;
      return result;
    });
  };

  // Tags of components that run code when they render: function, class, forwardRef, simple memo.
  var COMPONENT = { 0: true, 1: true, 11: true, 15: true };
  function countMounted(fiber, counts) {
    var stack = [fiber];
    while (stack.length > 0) {
      var f = stack.pop();
      if (COMPONENT[f.tag]) counts.mounted++;
      for (var c = f.child; c !== null; c = c.sibling) stack.push(c);
    }
  }
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: function () { return 1; },
    checkDCE: function () {},
    onScheduleFiberRoot: function () {},
    onCommitFiberUnmount: function () {},
    onPostCommitFiberRoot: function () {},
    setStrictMode: function () {},
    onCommitFiberRoot: function (_id, root) {
      var a = bench.armed;
      if (a === null || !bench.countFibers) return;
      a.fibers.commits++;
      var stack = [root.current];
      while (stack.length > 0) {
        var f = stack.pop();
        var previous = f.alternate;
        if (previous === null) {
          countMounted(f, a.fibers);
          continue;
        }
        // PerformedWork (1): the component's function ran in this render.
        if (COMPONENT[f.tag] && (f.flags & 1) === 1) a.fibers.rendered++;
        if (f.child !== previous.child) for (var c = f.child; c !== null; c = c.sibling) stack.push(c);
      }
    },
  };
}`;
