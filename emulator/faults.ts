import { EmulatorError } from './errors';

/**
 * Fault injection, as a developer or a test asks for it: fail or delay the Nth matching request,
 * or a share of them. A failure answers the way CloudBase answers a server error, so the SDK throws
 * inside the function exactly as it would in the cloud.
 */
export interface FaultRule {
  /** Action name or prefix, e.g. 'database.insertDocument' or 'database.'; empty matches all. */
  action?: string;
  /** Fail the Nth matching request counted from when the rule was set (1-based). */
  failNth?: number;
  /** Fail every matching request from the Nth on: an outage, which retries cannot get past. */
  failFrom?: number;
  /** Fail this share of matching requests, 0..1, from a seeded sequence so runs repeat. */
  failRate?: number;
  /** Delay every matching request by this many milliseconds. */
  delayMs?: number;
  /** Stop failing after this many failures. */
  maxFailures?: number;
  seed?: number;
}

export interface FaultState {
  rule: FaultRule | null;
  matched: number;
  failed: number;
}

export class FaultInjector {
  private state: FaultState = { rule: null, matched: 0, failed: 0 };
  private random = 1;

  set(rule: FaultRule | null): FaultState {
    this.state = { rule, matched: 0, failed: 0 };
    // Spread small seeds over the range and warm up: Park–Miller's first draws from 1, 2, 3… are tiny.
    this.random = (((rule?.seed ?? 1) * 2654435761) % 2147483646) + 1;
    for (let i = 0; i < 8; i++) this.next();
    return this.status();
  }

  status(): FaultState {
    return { ...this.state };
  }

  private next(): number {
    // Park–Miller: small, seeded, repeatable.
    this.random = (this.random * 48271) % 2147483647;
    return this.random / 2147483647;
  }

  /** Called before each request; delays, then throws when this one is meant to fail. */
  async apply(action: string): Promise<void> {
    const { rule } = this.state;
    if (!rule || (rule.action && !action.startsWith(rule.action))) return;
    this.state.matched += 1;
    if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
    const budgetLeft = rule.maxFailures === undefined || this.state.failed < rule.maxFailures;
    const nth =
      (rule.failNth !== undefined && this.state.matched === rule.failNth) ||
      (rule.failFrom !== undefined && this.state.matched >= rule.failFrom);
    const share = rule.failRate !== undefined && this.next() < rule.failRate;
    if (budgetLeft && (nth || share)) {
      this.state.failed += 1;
      throw new EmulatorError('SYS_ERR', `[InternalError] injected fault on ${action} (#${this.state.matched})`);
    }
  }
}
