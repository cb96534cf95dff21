// @vitest-environment jsdom
/**
 * The Yjs hooks keep up with changes that land between a render and the subscription React
 * makes after it (a WebSocket message can arrive in that gap). A sibling's layout effect runs
 * in exactly that gap, so these tests make the gap deterministic.
 */
import { act, useLayoutEffect } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import * as Y from "yjs";
import { useAwarenessStates, useYValue } from "../../client/src/sync/hooks.ts";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
let host: HTMLElement | null = null;
afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
  root = null;
  host = null;
});

function render(element: React.ReactNode): HTMLElement {
  host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
  act(() => root?.render(element));
  return host;
}

/** Runs `change` after the render has committed, before passive effects subscribe. */
function ChangeInTheGap({ change }: { change: () => void }) {
  // Once, on mount: that is the gap under test.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once by design.
  useLayoutEffect(change, []);
  return null;
}

function Count({ awareness }: { awareness: Awareness }) {
  const states = useAwarenessStates(awareness);
  return <output>{states.size}</output>;
}

function Length({ list }: { list: Y.Array<string> }) {
  const length = useYValue(list, () => list.length);
  return <output>{length}</output>;
}

function remoteState(local: Awareness, state: Record<string, unknown>): void {
  const remote = new Awareness(new Y.Doc());
  remote.setLocalState(state);
  applyAwarenessUpdate(local, encodeAwarenessUpdate(remote, [remote.clientID]), "remote");
  remote.destroy();
}

describe("useAwarenessStates", () => {
  it("shows a presence that arrives between the render and the subscription", () => {
    const awareness = new Awareness(new Y.Doc());
    const view = render(
      <>
        <Count awareness={awareness} />
        <ChangeInTheGap change={() => remoteState(awareness, { device: "K" })} />
      </>,
    );
    expect(view.textContent).toBe("2");
    awareness.destroy();
  });

  it("follows later arrivals and departures", () => {
    const awareness = new Awareness(new Y.Doc());
    const view = render(<Count awareness={awareness} />);
    expect(view.textContent).toBe("1");
    act(() => remoteState(awareness, { device: "B" }));
    expect(view.textContent).toBe("2");
    act(() => awareness.setLocalState(null));
    expect(view.textContent).toBe("1");
    awareness.destroy();
  });
});

describe("useYValue", () => {
  it("shows a change that lands between the render and the subscription", () => {
    const doc = new Y.Doc();
    const list = doc.getArray<string>("notes");
    const view = render(
      <>
        <Length list={list} />
        <ChangeInTheGap change={() => list.push(["a note"])} />
      </>,
    );
    expect(view.textContent).toBe("1");
    act(() => list.push(["another"]));
    expect(view.textContent).toBe("2");
  });
});
