/**
 * A misbehaviour the simulator can be told to show on some paths: an error status (with Retry-After), a slow
 * answer, a body that is not JSON, a dropped connection. `times` limits how often it happens; unset, it lasts until cleared.
 */
export interface Fault {
  /** API path below /api/v2.0 (`/projects`), or a pattern over it. */
  path: string | RegExp;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  malformed?: boolean;
  /** Drop the connection without answering (the client sees ECONNRESET). */
  reset?: boolean;
  times?: number;
}

/** The faults in force, consumed as they fire. */
export class FaultPlan {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault for this path, counted as fired. */
  take(path: string): Fault | undefined {
    const index = this.faults.findIndex((fault) =>
      typeof fault.path === 'string' ? fault.path === path : fault.path.test(path),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (fault.times !== undefined && --fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }
}
