import { type ComponentType, createElement, type ReactNode, lazy as reactLazy, useState } from "react";

/** A page loaded on demand that can also be loaded ahead, before React first renders it. */
export type LazyPage<P> = ((props: P) => ReactNode) & {
  /** Starts loading the page's chunk; resolves once it renders without suspending. */
  readonly preload: () => Promise<void>;
};

type PropsOf<T> = T extends (props: infer P) => ReactNode ? (unknown extends P ? object : P) : never;

/**
 * React's `lazy`, plus `preload`. A page preloaded before it mounts renders at once instead of
 * suspending: React reveals a boundary's content no sooner than 300 ms after its fallback
 * (`FALLBACK_THROTTLE_MS`), so a page opened by its address (the console, the screen) would wait
 * for that throttle before it could start opening its documents.
 */
export function lazy<T extends (props: never) => ReactNode>(
  load: () => Promise<{ default: T }>,
): LazyPage<PropsOf<T>> {
  type P = PropsOf<T>;
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<{ default: ComponentType<P> }> | null = null;
  const start = () => {
    loading ??= load().then((module) => {
      loaded = module.default as unknown as ComponentType<P>;
      return { default: loaded };
    });
    return loading;
  };
  const Suspending = reactLazy(start);
  // biome-ignore lint/correctness/noComponentHookFactories: made once per page, at module level, as React's lazy is.
  function Page(props: P) {
    // Chosen once per mount: a page that mounted suspending is never swapped (and remounted) later.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Suspending);
    return createElement(Component, props);
  }
  return Object.assign(Page, { preload: () => start().then(() => undefined) });
}
