/** Setting up a workshop, and the printable join cards. Swedish first; English must have the same keys. */
export const setupSv = {
  setupTitle: "Ny workshop",
} as const;

export const setupEn: Readonly<Record<keyof typeof setupSv, string>> = {
  setupTitle: "New workshop",
};
