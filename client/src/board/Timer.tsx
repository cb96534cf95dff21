import { useEffect, useState } from "react";
import { type Timer as TimerValue, timerRemainingMs, timerStatus } from "../../../shared/schema/meta.ts";
import { useT } from "../i18n/useT.ts";

/** Re-renders every `intervalMs` while `active`. */
function useNow(active: boolean, intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return active ? now : Date.now();
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1_000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** The round's countdown, as the facilitator set it. Not a live region: it would talk every second. */
export function Timer({ timer }: { timer: TimerValue }) {
  const t = useT();
  const status = timerStatus(timer, Date.now());
  const now = useNow(status === "running");
  const remaining = timerRemainingMs(timer, now) ?? 0;
  if (status === "idle") return null;
  let text = formatDuration(remaining);
  if (timerStatus(timer, now) === "expired") text = t("timerEnded");
  else if (status === "paused") text = t("timerPaused", { time: formatDuration(remaining) });
  return (
    <p className="timer" role="timer" aria-label={t("timerLabel")}>
      <span className="timer__label" aria-hidden="true">
        {t("timerLabel")}
      </span>
      <span className="timer__value">{text}</span>
    </p>
  );
}
