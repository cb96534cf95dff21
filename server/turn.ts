/**
 * The end of a turn of the event loop, after its I/O (one `setImmediate`), in stages: every room
 * applies what it read during the turn, then the store commits what they appended, in one
 * transaction. A room and the store scheduling a `setImmediate` each could not do this: one
 * queued from inside another runs a whole turn later, so a batch applied at the end of a turn would
 * wait for the next turn's reads before it was stored and relayed.
 *
 * Tasks run synchronously, in the order of their stage, then in the order they were scheduled. A
 * task scheduled while its stage or a later one runs goes to the next turn; one scheduled for a
 * later stage runs in this one.
 */
export const STAGES = ["apply", "commit"] as const;
export type Stage = (typeof STAGES)[number];

const queues: Record<Stage, (() => void)[]> = { apply: [], commit: [] };
let scheduled = false;
let running: Stage | null = null;

export function atEndOfTurn(stage: Stage, task: () => void): void {
  const runsThisTurn = running !== null && STAGES.indexOf(stage) > STAGES.indexOf(running);
  queues[stage].push(task);
  if (runsThisTurn || scheduled) return;
  scheduled = true;
  setImmediate(runTurnEnd);
}

function runTurnEnd(): void {
  scheduled = false;
  try {
    for (const stage of STAGES) {
      running = stage;
      for (const task of queues[stage].splice(0)) {
        try {
          task();
        } catch (error) {
          // One failing task must not cost the others their turn; the error still surfaces as an
          // uncaught exception, as it would have from a setImmediate of its own.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  } finally {
    running = null;
  }
}
