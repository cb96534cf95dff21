import { useEffect, useState } from "react";
import { useLanguage, useT } from "../i18n/useT.ts";
import { useSyncState } from "../sync/hooks.ts";
import type { SyncedDoc } from "../sync/syncedDoc.ts";

interface ScreenControlsProps {
  readonly paused: boolean;
  readonly onTogglePause: () => void;
}

/** Pause (WCAG 2.2.2: moving, updating content can be paused) and full screen. */
export function ScreenControls({ paused, onTogglePause }: ScreenControlsProps) {
  const t = useT();
  return (
    <div className="screen-controls">
      <button type="button" className="button" aria-pressed={paused} onClick={onTogglePause}>
        {/* One fixed label with aria-pressed: a label that also flips would read "resume, pressed". */}
        {t("screenPause")}
      </button>
      <FullscreenButton />
    </div>
  );
}

function fullscreenSupported(): boolean {
  return (
    document.fullscreenEnabled === true && typeof document.documentElement.requestFullscreen === "function"
  );
}

/** Hidden where the browser cannot do it (an iPhone, an embedded frame). */
function FullscreenButton() {
  const t = useT();
  const [active, setActive] = useState(() => document.fullscreenElement !== null);
  useEffect(() => {
    const follow = () => setActive(document.fullscreenElement !== null);
    document.addEventListener("fullscreenchange", follow);
    return () => document.removeEventListener("fullscreenchange", follow);
  }, []);
  if (!fullscreenSupported()) return null;
  const toggle = () => {
    // Refusals (no user gesture, a policy) leave the page as it is: nothing to tell the room.
    if (document.fullscreenElement !== null) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
  };
  return (
    <button type="button" className="button" aria-pressed={active} onClick={toggle}>
      {t("screenFullscreen")}
    </button>
  );
}

/**
 * Says when the screen is not live: paused by someone in the room, or cut off from the server.
 * The status regions are always there, so a change is announced.
 */
export function ScreenStatus({ pausedAt, synced }: { pausedAt: number | null; synced: SyncedDoc }) {
  const t = useT();
  const language = useLanguage();
  const { status } = useSyncState(synced);
  const time =
    pausedAt === null
      ? ""
      : new Date(pausedAt).toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
  return (
    <div className="screen-status">
      <p role="status" className={pausedAt === null ? "screen-status__empty" : "screen-banner"}>
        {pausedAt === null ? "" : t("screenPausedNotice", { time })}
      </p>
      <p role="status" className={status === "offline" ? "screen-banner" : "screen-status__empty"}>
        {status === "offline" ? t("screenOffline") : ""}
      </p>
    </div>
  );
}
