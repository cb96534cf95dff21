/** A small seeded PRNG (mulberry32): the same seed gives the same work on every server. */
export type Rng = () => number;

export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes numbers into one 32-bit seed, so every writer and document gets its own stream. */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x01000193) >>> 0;
    hash = Math.imul(hash ^ (hash >>> 13), 0x5bd1e995) >>> 0;
  }
  return hash >>> 0;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

const WORDS = [
  "vi",
  "behöver",
  "tydligare",
  "mål",
  "för",
  "nästa",
  "år",
  "och",
  "mer",
  "tid",
  "att",
  "prata",
  "med",
  "kunderna",
  "samarbete",
  "mellan",
  "teamen",
  "fungerar",
  "bra",
  "men",
  "möten",
  "tar",
  "för",
  "lång",
  "tid",
  "idé",
  "digital",
  "anslagstavla",
  "i",
  "fikarummet",
  "better",
  "onboarding",
  "for",
  "new",
  "staff",
  "fewer",
  "handovers",
  "shared",
  "calendar",
] as const;

/** A line of note text, 1-12 words. */
export function noteText(rng: Rng, maxWords = 12): string {
  const count = 1 + Math.floor(rng() * maxWords);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(pick(rng, WORDS));
  return words.join(" ");
}

/** An endless stream of characters as someone would type them: words and spaces. */
export function typingStream(rng: Rng): () => string {
  let buffer = "";
  return () => {
    if (buffer === "") buffer = `${pick(rng, WORDS)} `;
    const char = buffer[0] ?? " ";
    buffer = buffer.slice(1);
    return char;
  };
}
