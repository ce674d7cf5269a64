import fs from 'node:fs';
import { Cron } from 'croner';
import type { FunctionRuntime } from './functions';

/** A timer trigger as cloudbaserc.json declares it: `{ name, type: 'timer', config: '<7-part cron>' }`. */
export interface TimerTrigger {
  functionName: string;
  name: string;
  /** CloudBase's cron: second minute hour day month weekday year, in China time. */
  config: string;
}

export interface TimerRun {
  functionName: string;
  name: string;
  at: string;
  result: unknown;
}

/** The timer triggers declared in cloudbaserc.json, the same file the CLI deploys. */
export function timerTriggersOf(rcPath: string): TimerTrigger[] {
  if (!fs.existsSync(rcPath)) return [];
  const rc = JSON.parse(fs.readFileSync(rcPath, 'utf8')) as {
    functions?: Array<{ name: string; triggers?: Array<{ name: string; type: string; config: string }> }>;
  };
  return (rc.functions ?? []).flatMap((f) =>
    (f.triggers ?? [])
      .filter((t) => t.type === 'timer')
      .map((t) => ({ functionName: f.name, name: t.name, config: t.config })),
  );
}

/**
 * Runs timer triggers the way CloudBase does: on their cron schedule (China time), with SCF's timer
 * event `{ Type: 'Timer', TriggerName, Time, Message }` and no caller identity. `fire` runs one now,
 * for tests and for trying a cleanup by hand (POST /_/timers/<function>/<trigger>).
 */
export class TimerScheduler {
  private readonly jobs: Cron[] = [];
  readonly runs: TimerRun[] = [];

  constructor(
    readonly triggers: TimerTrigger[],
    private readonly functions: FunctionRuntime,
  ) {}

  start(): void {
    for (const t of this.triggers) {
      // unref: a pending timer never keeps the emulator (or a test run) alive on its own.
      const job = new Cron(
        t.config,
        { timezone: 'Asia/Shanghai', mode: '7-part', unref: true, protect: true, catch: true },
        () => this.fire(t.functionName, t.name).then(() => undefined),
      );
      this.jobs.push(job);
    }
  }

  stop(): void {
    for (const j of this.jobs) j.stop();
    this.jobs.length = 0;
  }

  /** Next scheduled run of each trigger, for the inspector. */
  schedule(): Array<TimerTrigger & { nextRun: string | null }> {
    return this.triggers.map((t) => ({
      ...t,
      nextRun:
        new Cron(t.config, { timezone: 'Asia/Shanghai', mode: '7-part', paused: true }).nextRun()?.toISOString() ??
        null,
    }));
  }

  async fire(functionName: string, name: string): Promise<TimerRun> {
    const trigger = this.triggers.find((t) => t.functionName === functionName && t.name === name);
    if (!trigger) throw Object.assign(new Error(`no timer trigger ${functionName}/${name}`), { code: 'NOT_FOUND' });
    const at = new Date().toISOString();
    const event = { Type: 'Timer', TriggerName: name, Time: at, Message: '' };
    const { result } = await this.functions.invoke(functionName, event, {});
    const run = { functionName, name, at, result };
    this.runs.unshift(run);
    this.runs.length = Math.min(this.runs.length, 50);
    return run;
  }
}
