/** Soak files run only under `npm run soak` (vitest.soak.config.ts sets this); `npm test` skips them. */
export const SOAK = process.env.SAMLA_SOAK === "1";

/** Soak results, one line each, prefixed so they can be picked out of the run's output. */
export function report(line: string): void {
  console.info(`[soak] ${line}`);
}
