/** The facilitator's console and the synthesis. Swedish first; English must have the same keys. */
export const facilitatorSv = {
  facilitatorTitle: "Facilitator",
} as const;

export const facilitatorEn: Readonly<Record<keyof typeof facilitatorSv, string>> = {
  facilitatorTitle: "Facilitator",
};
