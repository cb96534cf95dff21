import { memo, useCallback, useLayoutEffect, useMemo, useState } from "react";
import type { RoundId } from "../../../shared/ids.ts";
import type { InsightView, ThemeView } from "../../../shared/schema/synthesis.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";
import { useInsights, useThemes } from "../workshop/hooks.ts";

export interface RoundSynthesis {
  readonly roundId: RoundId | null;
  readonly themes: readonly ThemeView[];
  /** The round's conclusions, insights and actions, then the whole day's. */
  readonly insights: readonly InsightView[];
}

interface SynthesisFeedProps {
  readonly synthesis: SyncedDoc;
  readonly roundId: RoundId | null;
  readonly onSynthesis: (value: RoundSynthesis) => void;
}

/** The synthesis of one round, reported upwards as it changes. */
export const SynthesisFeed = memo(function SynthesisFeed({
  synthesis,
  roundId,
  onSynthesis,
}: SynthesisFeedProps) {
  const themes = useThemes(synthesis, roundId);
  const roundInsights = useInsights(synthesis, roundId);
  const dayInsights = useInsights(synthesis, null);
  const insights = useMemo(
    () => (roundId === null ? dayInsights : [...roundInsights, ...dayInsights]),
    [roundId, roundInsights, dayInsights],
  );
  useLayoutEffect(() => onSynthesis({ roundId, themes, insights }), [onSynthesis, roundId, themes, insights]);
  return null;
});

const EMPTY: readonly never[] = [];

/** What the `SynthesisFeed` for `roundId` reported; empty until it has. */
export function useRoundSynthesis(
  roundId: RoundId | null,
): [RoundSynthesis, (value: RoundSynthesis) => void] {
  const [reported, setReported] = useState<RoundSynthesis | null>(null);
  const report = useCallback((value: RoundSynthesis) => setReported(value), []);
  const current = useMemo<RoundSynthesis>(
    () =>
      reported !== null && reported.roundId === roundId
        ? reported
        : { roundId, themes: EMPTY, insights: EMPTY },
    [reported, roundId],
  );
  return [current, report];
}
