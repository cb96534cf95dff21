/**
 * Whether work is outstanding (a room's queue not yet stored and relayed), and a promise for
 * when it no longer is. `begin` may be called again while busy; `end` settles every waiter.
 */
export class Outstanding {
  private pending: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;

  begin(): void {
    if (this.pending !== null) return;
    let resolve = (): void => {};
    const promise = new Promise<void>((settle) => {
      resolve = settle;
    });
    this.pending = { promise, resolve };
  }

  end(): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve();
  }

  /** Resolves once nothing is outstanding, including work begun while waiting. */
  async settled(): Promise<void> {
    while (this.pending !== null) await this.pending.promise;
  }
}
