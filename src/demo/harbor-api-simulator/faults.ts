/**
 * A misbehaviour the simulator can be told to show on some paths: an error status (with Retry-After), a slow
 * answer, a body that is not JSON, a dropped connection, a body too large or without end, paging without end,
 * an answer of the wrong shape. `times` limits how often it happens; unset, it lasts until cleared.
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
  /**
   * Answer a JSON array of empty objects (`[{},{},...]`, the text that costs most memory once parsed) of this
   * many bytes; with `announced`, its Content-Length is sent first, otherwise it comes chunked.
   */
  oversized?: { bytes: number; announced?: boolean };
  /** Send `[{},{},...` in chunks for as long as the client reads. */
  endlessBody?: boolean;
  /**
   * Answer every page of a list with the items of its first page and a Link to the next, so paging never ends;
   * X-Total-Count as given (left out when undefined).
   */
  endlessPages?: { total?: number };
  /** Replace the answer's body by what this makes of it (numbers as strings, an object for an array, ...). */
  rewrite?: (body: unknown) => unknown;
  times?: number;
}

/** True when the fault makes the answer break Harbor's API description on purpose. */
export function breaksContract(fault: Fault | undefined): boolean {
  return !!(fault?.malformed || fault?.oversized || fault?.endlessBody || fault?.rewrite);
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
