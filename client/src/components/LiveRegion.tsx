import { useAppStore } from "../store/index.ts";

/**
 * The one polite live region: screen readers read what is announced here when they are
 * idle, without moving focus. Keyed by id so the same text twice is read twice.
 */
export function LiveRegion() {
  const announcement = useAppStore((state) => state.announcement);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement && <span key={announcement.id}>{announcement.text}</span>}
    </div>
  );
}
