/** The relay on this page's own origin: nothing ever connects elsewhere. */
export function syncServerUrl(): string {
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${location.host}/sync`;
}
