import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/**
 * Debian's Chromium, headless, as the browser tests and the web-app benchmark launch it (through
 * playwright-core's `executablePath`: no browser is ever downloaded). No vitest here, so scripts
 * outside the test runner can use it too.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `CHROMIUM_PATH` if set, else `chromium` (or `chromium-browser`) on the PATH. */
export function findChromium(): string | null {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit !== undefined && explicit !== "") return isExecutable(explicit) ? explicit : null;
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of [...dirs, "/usr/bin"]) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}
