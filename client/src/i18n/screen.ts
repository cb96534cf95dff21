/** The projector screen. Swedish first; English must have the same keys. */
export const screenSv = {
  screenTitle: "Skärm",
} as const;

export const screenEn: Readonly<Record<keyof typeof screenSv, string>> = {
  screenTitle: "Screen",
};
