import { parseRoute, targetHash, type Route } from '../views/route.ts';

/** The route in the URL's hash; opening a target pushes a history entry, so Back returns to the table. */
export class RouterState {
  route = $state<Route>({ view: 'home' });
  /** True once this visit navigated inside the page, so that Back stays in the app. */
  private navigated = false;

  constructor(private readonly win: Window | undefined = globalThis.window) {
    if (!win) return;
    this.route = parseRoute(win.location.hash);
    win.addEventListener('hashchange', () => {
      this.route = parseRoute(win.location.hash);
    });
  }

  openTarget(jobId: string, key: string): void {
    if (!this.win) {
      this.route = { view: 'target', jobId, key };
      return;
    }
    this.navigated = true;
    this.win.location.hash = targetHash(jobId, key);
  }

  /** Back to the job: the history's previous entry when it is ours, else the home route. */
  home(): void {
    if (this.win && this.navigated && this.route.view === 'target') {
      this.win.history.back();
      return;
    }
    if (this.win) this.win.location.hash = '#/';
    else this.route = { view: 'home' };
  }
}
