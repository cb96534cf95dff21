/**
 * The bare relay as a process, like the reference (`reference.ts`): see `bareRelay.ts` and
 * `serve.ts`. It prints `bare relay listening on port <port>`.
 */
import { createBareRelay } from "./bareRelay.ts";
import { serve } from "./serve.ts";

const relay = createBareRelay();
serve(relay.server, "bare relay", relay.dropClients);
