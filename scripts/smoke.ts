/**
 * `npm run smoke -- --env <envId>`: after a deploy, asks the environment what it runs, read-only:
 *   1. system.ping: the function answers, its clock and the oldest client it serves;
 *   2. system.status: whether cloud:bootstrap ran (top-level unions, their admins, the province office);
 *   3. every function in cloudbaserc.json answers an unknown action with UNKNOWN_ACTION, i.e. it is
 *      deployed and its bundle loads on the runtime.
 * Uses the operator's Tencent Cloud credentials (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY).
 * `--service-url` points it at an emulator instead (how the tests run it). Exits 1 on any failure.
 */
import tcb from '@cloudbase/node-sdk';
import type { ApiResponse } from '../typings/api';
import type { PingResult, StatusResult } from '../typings/system';
import { readCloudbaseRc } from './lib/runtime';

export interface SmokeOptions {
  env: string;
  serviceUrl?: string;
  secretId?: string;
  secretKey?: string;
  log?: (line: string) => void;
}

export interface SmokeReport {
  ok: boolean;
  ping?: PingResult;
  status?: StatusResult;
  functions: Array<{ name: string; ok: boolean; detail: string }>;
}

export async function smoke(opts: SmokeOptions): Promise<SmokeReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const app = tcb.init({
    env: opts.env,
    serviceUrl: opts.serviceUrl,
    secretId: opts.secretId,
    secretKey: opts.secretKey,
    timeout: 30_000,
  });
  const call = async <T>(name: string, action: string): Promise<ApiResponse<T>> => {
    const res = await app.callFunction({ name, data: { action } });
    return res.result as ApiResponse<T>;
  };
  const report: SmokeReport = { ok: true, functions: [] };
  const fail = (line: string) => {
    report.ok = false;
    log(`FAIL ${line}`);
  };

  try {
    const ping = await call<PingResult>('system', 'ping');
    if (ping.ok) {
      report.ping = ping.data;
      log(`ok   system.ping: server time ${ping.data.serverTime}, serves clients from ${ping.data.minClientVersion}`);
    } else fail(`system.ping answered ${ping.error.code} ${ping.error.message}`);
    const status = await call<StatusResult>('system', 'status');
    if (status.ok) {
      report.status = status.data;
      const unions = status.data.topLevelUnions.map((u) => `${u.name} (${u.adminCount} admin)`).join(', ');
      log(
        `ok   system.status: top-level unions: ${unions || 'none — run npm run cloud:bootstrap'}; province office roles: ${status.data.provinceOfficeRoles}; roles waiting for their person to register: ${status.data.waitingRoles}`,
      );
      if (!status.data.topLevelUnions.length || !status.data.provinceOfficeRoles)
        fail('the environment is not bootstrapped yet (npm run cloud:bootstrap)');
    } else fail(`system.status answered ${status.error.code} ${status.error.message}`);
  } catch (err) {
    fail(`system could not be called: ${err instanceof Error ? err.message : String(err)}`);
  }

  for (const f of readCloudbaseRc().functions) {
    try {
      const res = await call<unknown>(f.name, '__smoke__');
      const loads = !res.ok && res.error.code === 'UNKNOWN_ACTION';
      report.functions.push({
        name: f.name,
        ok: loads,
        detail: loads ? 'deployed, loads' : JSON.stringify(res).slice(0, 200),
      });
      if (loads) log(`ok   ${f.name}: deployed, loads on ${f.runtime}`);
      else fail(`${f.name}: unexpected answer ${JSON.stringify(res).slice(0, 200)}`);
    } catch (err) {
      report.functions.push({ name: f.name, ok: false, detail: err instanceof Error ? err.message : String(err) });
      fail(`${f.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  log(report.ok ? 'smoke test passed' : 'smoke test FAILED');
  return report;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const env = arg('--env') ?? process.env.TCB_ENV_ID;
  if (!env) {
    console.error(
      'usage: npm run smoke -- --env <envId>   (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY in the environment)',
    );
    process.exit(2);
  }
  smoke({
    env,
    serviceUrl: arg('--service-url'),
    secretId: process.env.TENCENTCLOUD_SECRETID,
    secretKey: process.env.TENCENTCLOUD_SECRETKEY,
  })
    .then((r) => process.exit(r.ok ? 0 : 1))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
