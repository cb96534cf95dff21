import { useId, useState } from "react";
import type * as Y from "yjs";
import type { RoundId } from "../../../shared/ids.ts";
import {
  extendTimer,
  IDLE_TIMER,
  type MetaState,
  MINUTE_MS,
  pauseTimer,
  resumeTimer,
  setActiveRound,
  setRevealed,
  setTimer,
  setWritingOpen,
  startTimer,
  timerStatus,
} from "../../../shared/schema/meta.ts";
import { Timer } from "../board/Timer.tsx";
import { useT } from "../i18n/useT.ts";

/** What the facilitator decides for every table at once: round, writing, reveal, timer. */
export function Controls({ meta, metaDoc }: { meta: MetaState; metaDoc: Y.Doc }) {
  const t = useT();
  const headingId = useId();
  const roundId = useId();
  return (
    <section className="controls" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("controlsHeading")}</h2>
      <div className="controls__row">
        <div className="control">
          <label htmlFor={roundId}>{t("activeRound")}</label>
          <select
            id={roundId}
            value={meta.activeRoundId ?? ""}
            onChange={(event) => setActiveRound(metaDoc, event.target.value as RoundId)}
          >
            {meta.rounds.map((round, index) => (
              <option key={round.id} value={round.id} lang={meta.language}>
                {index + 1}. {round.title}
              </option>
            ))}
          </select>
        </div>
        <div className="control">
          <p className="control__label">
            {t("writing")}: <strong>{t(meta.writingOpen ? "writingIsOpen" : "writingIsClosed")}</strong>
          </p>
          <button type="button" className="button" onClick={() => setWritingOpen(metaDoc, !meta.writingOpen)}>
            {t(meta.writingOpen ? "closeWriting" : "openWriting")}
          </button>
        </div>
        <div className="control">
          <p className="control__label">{t("reveal")}</p>
          <button
            type="button"
            className="button"
            aria-pressed={meta.revealed}
            onClick={() => setRevealed(metaDoc, !meta.revealed)}
          >
            {t(meta.revealed ? "revealOff" : "revealOn")}
          </button>
        </div>
        <TimerControls meta={meta} metaDoc={metaDoc} />
      </div>
    </section>
  );
}

function TimerControls({ meta, metaDoc }: { meta: MetaState; metaDoc: Y.Doc }) {
  const t = useT();
  const minutesId = useId();
  const [minutes, setMinutes] = useState(10);
  const status = timerStatus(meta.timer, Date.now());
  const now = () => Date.now();
  return (
    <fieldset className="control control--timer">
      <legend>{t("timerHeading")}</legend>
      {status === "idle" ? <p className="control__label">{t("timerIdle")}</p> : <Timer timer={meta.timer} />}
      <div className="control__buttons">
        <label htmlFor={minutesId}>{t("timerMinutes")}</label>
        <input
          id={minutesId}
          type="number"
          min={1}
          max={180}
          value={minutes}
          onChange={(event) => setMinutes(Math.min(180, Math.max(1, Number(event.target.value) || 1)))}
        />
        <button
          type="button"
          className="button button--primary"
          onClick={() => setTimer(metaDoc, startTimer(now(), minutes * MINUTE_MS))}
        >
          {t("timerStart")}
        </button>
        {status === "running" && (
          <button
            type="button"
            className="button"
            onClick={() => setTimer(metaDoc, pauseTimer(meta.timer, now()))}
          >
            {t("timerPause")}
          </button>
        )}
        {status === "paused" && (
          <button
            type="button"
            className="button"
            onClick={() => setTimer(metaDoc, resumeTimer(meta.timer, now()))}
          >
            {t("timerResume")}
          </button>
        )}
        {status !== "idle" &&
          [1, 5].map((n) => (
            <button
              key={n}
              type="button"
              className="button"
              aria-label={t("timerAddLabel", { n })}
              onClick={() => setTimer(metaDoc, extendTimer(meta.timer, now(), n * MINUTE_MS))}
            >
              {t("timerAdd", { n })}
            </button>
          ))}
        {status !== "idle" && (
          <button
            type="button"
            className="button button--quiet"
            onClick={() => setTimer(metaDoc, IDLE_TIMER)}
          >
            {t("timerStop")}
          </button>
        )}
      </div>
    </fieldset>
  );
}
