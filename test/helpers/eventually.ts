/**
 * Retries an assertion until it passes or the deadline passes; then throws its last error.
 * Tests wait for outcomes this way, never with fixed sleeps.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}

/** Resolves with the first emission of `event` on an emitter that has `on`/`off`. */
export function once<T extends unknown[]>(
  emitter: {
    on(event: string, listener: (...args: T) => void): void;
    off(event: string, listener: (...args: T) => void): void;
  },
  event: string,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: T) => {
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}
