// First: starts fetching the page this address opens while the rest evaluates.
import "./earlyLoad.ts";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, preloadPage } from "./App.tsx";
import { parseRoute } from "./routes.ts";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
const render = () =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
// A page opened by its address (the console, the screen, the cards) renders once its chunk is
// here; if that fails, React's lazy loading reports it as before.
preloadPage(parseRoute(location.pathname)).then(render, render);

// The service worker keeps the app itself on the device, so a reload works offline.
// Browsers allow it only on https or localhost; on plain http over the LAN the board still
// works offline, but a reload needs the network. Registered once the page has loaded and is
// idle: installing it fetches the page and its scripts again, which on a first visit competed
// for the CPU with the console's and the screen's first paint.
if ("serviceWorker" in navigator && window.isSecureContext) {
  const register = () =>
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // Without it Samla works the same online.
    });
  const whenIdle = () =>
    "requestIdleCallback" in window
      ? requestIdleCallback(register, { timeout: 2_000 })
      : setTimeout(register);
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}
