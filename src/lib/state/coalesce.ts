/**
 * Runs `task` at most once per `minIntervalMs`, and once more after a call that came while it ran:
 * a watching tab re-reads a job after a burst of results from another tab once, not once per result.
 */
export function coalesce(task: () => Promise<void>, minIntervalMs: number): () => void {
  let running = false;
  let again = false;
  let last = -Infinity;
  const go = async (): Promise<void> => {
    running = true;
    try {
      const wait = last + minIntervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      again = false;
      last = Date.now();
      await task();
    } finally {
      running = false;
      if (again) void go();
    }
  };
  return () => {
    if (running) again = true;
    else void go();
  };
}
