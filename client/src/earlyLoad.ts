/**
 * Starts fetching the page of the address the app was opened at (the console, the screen, the
 * cards, the setup form), while the rest of the app is still being evaluated. main.tsx imports this
 * first; the pages are declared (and rendered) in App.tsx, whose `lazy` loads the same modules.
 */
const path = location.pathname;
const workshopPage = /^\/w\/[A-Za-z0-9_-]+\/(facilitate|screen|cards)\/?$/.exec(path)?.[1];
const ignore = () => {
  // App.tsx loads it again and reports a failure there.
};
if (workshopPage === "facilitate") import("./facilitator/FacilitatorPage.tsx").catch(ignore);
else if (workshopPage === "screen") import("./screen/ScreenPage.tsx").catch(ignore);
else if (workshopPage === "cards") import("./cards/CardsPage.tsx").catch(ignore);
else if (/^\/new\/?$/.test(path)) import("./setup/SetupPage.tsx").catch(ignore);
