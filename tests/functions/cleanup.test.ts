import assert from 'node:assert/strict';
import type { CleanupReport } from '../../typings/system';
import { catalogueId } from '../helpers/catalogue';
import { xlsxOf } from '../helpers/files';
import { demoWorld, type DemoWorld } from '../helpers/api';

/** PII lifecycle: files with full ID numbers and phones are deleted by the timer-triggered cleanup. */
describe('PII lifecycle: the timer-triggered cleanup function', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const HEADER = ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'];
  const stored = () => new Set(world.emulator.storage.list().map((f) => f.fileID));
  const fire = async (): Promise<CleanupReport> => {
    const res = await fetch(`${world.emulator.baseUrl}/_/timers/cleanup/hourly`, { method: 'POST' });
    assert.equal(res.status, 200);
    const run = (await res.json()) as { result: { ok: boolean; data: CleanupReport } };
    assert.equal(run.result.ok, true);
    return run.result.data;
  };
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

  it('the emulator schedules the trigger declared in cloudbaserc.json, at the top of each hour in China time', async () => {
    const res = (await (await fetch(`${world.emulator.baseUrl}/_/timers`)).json()) as {
      triggers: Array<{ functionName: string; name: string; config: string; nextRun: string }>;
    };
    const cleanup = res.triggers.find((t) => t.functionName === 'cleanup');
    assert.equal(cleanup?.name, 'hourly');
    assert.equal(cleanup?.config, '0 0 * * * * *');
    const next = new Date(cleanup?.nextRun ?? '');
    assert.equal(next.getUTCMinutes(), 0);
    assert.equal(next.getUTCSeconds(), 0);
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 3600_000);
  });

  it('deletes the uploaded spreadsheet when its job ends, and the error report and export after the download window', async () => {
    const admin = world.as('demo-admin-grassroots');
    const up = await world.admin.uploadFile({
      cloudPath: 'uploads/imports/lifecycle.xlsx',
      fileContent: xlsxOf([
        HEADER,
        ['周期测', '居民身份证', catalogueId(950), '13700000950', ''],
        ['坏行', '居民身份证', '123', '1', ''],
      ]),
    });
    const job = await admin.ok('importer', 'submit', { unionId: world.union('grassroots'), fileId: up.fileID });
    assert.equal(job.status, 'done');
    assert.ok(job.reportUrl, 'the bad row produced an error report');
    const [jobDoc] = await world.docs<{ reportFileId: string }>('importJobs', { _id: job.jobId });
    const exported = await admin.ok('member', 'export', { unionId: world.union('grassroots'), realName: false });
    assert.ok(stored().has(up.fileID) && stored().has(jobDoc.reportFileId) && stored().has(exported.fileId));

    const first = await fire();
    assert.equal(first.uploads, 1);
    assert.ok(!stored().has(up.fileID), 'the upload is gone once the job has ended');
    assert.ok(stored().has(jobDoc.reportFileId) && stored().has(exported.fileId), 'still within the download window');

    // A day later: the report and the export are past their download window.
    await world.admin
      .database()
      .collection('importJobs')
      .doc(job.jobId)
      .update({ finishedAt: hoursAgo(25) });
    await world.admin
      .database()
      .collection('piiFiles')
      .where({ kind: 'export' })
      .update({ deleteAfter: hoursAgo(1) });
    const later = await fire();
    assert.equal(later.reports, 1);
    assert.equal(later.files, 1);
    assert.ok(!stored().has(jobDoc.reportFileId) && !stored().has(exported.fileId));
    const jobs = await admin.ok('importer', 'jobs', { unionId: world.union('grassroots') });
    assert.equal(
      jobs.jobs.find((j) => j.jobId === job.jobId)?.reportUrl,
      '',
      'the job no longer offers a report that is gone',
    );
    assert.deepEqual(
      await fire(),
      {
        uploads: 0,
        reports: 0,
        files: 0,
        faceSessions: 0,
        smsCodes: 0,
        rateCounters: 0,
        webLogins: 0,
        importChecks: 0,
      },
      'nothing is deleted twice',
    );
  });

  it('deletes an upload that was checked but never submitted, 24 hours later', async () => {
    const up = await world.admin.uploadFile({
      cloudPath: 'uploads/imports/abandoned.xlsx',
      fileContent: xlsxOf([HEADER, ['弃置测', '居民身份证', catalogueId(951), '13700000951', '']]),
    });
    await world
      .as('demo-admin-grassroots')
      .ok('importer', 'validate', { unionId: world.union('grassroots'), fileId: up.fileID });
    assert.equal((await fire()).files, 0, 'not yet');
    assert.ok(stored().has(up.fileID));
    const [tracked] = await world.docs<{ deleteAfter: Date; createdAt: Date }>('piiFiles', { fileId: up.fileID });
    assert.equal(new Date(tracked.deleteAfter).getTime() - new Date(tracked.createdAt).getTime(), 24 * 3600_000);
    await world.admin
      .database()
      .collection('piiFiles')
      .where({ fileId: up.fileID })
      .update({ deleteAfter: hoursAgo(0.01) });
    // 校验's stored count of the file (counts only) goes after the same day.
    const checks = world.admin.database().collection('importChecks');
    const kept = await world.docs<{ _id: string; validCount: number }>('importChecks', {});
    assert.ok(kept.some((c) => c.validCount === 1));
    await checks
      .where({ _id: world.admin.database().command.in(kept.map((c) => c._id)) })
      .update({ checkedAt: hoursAgo(25) });
    const run = await fire();
    assert.equal(run.files, 1);
    assert.equal(run.importChecks, kept.length);
    assert.ok(!stored().has(up.fileID));
    assert.deepEqual(await world.docs('importChecks', {}), []);
  });

  it('deletes expired face sessions (they hold the ID cipher), old SMS codes, spent counters and expired QR login codes', async () => {
    const me = world.as('wx-cleanup-face');
    const face = await me.ok('account', 'startFace', {
      name: '过期测',
      docType: 'resident',
      docNumber: catalogueId(952),
    });
    await world.admin
      .database()
      .collection('faceSessions')
      .doc(face.sessionId)
      .update({ expiresAt: hoursAgo(25) });
    await me.ok('account', 'sendSmsCode', { phone: '13700000952', purpose: 'register' });
    await world.admin
      .database()
      .collection('smsCodes')
      .where({ used: false })
      .update({ expiresAt: hoursAgo(49) });
    await world.admin
      .database()
      .collection('rateCounters')
      .where({ n: world.admin.database().command.gte(0) })
      .update({ expiresAt: hoursAgo(1) });
    const logins = world.admin.database().collection('webLogins');
    await logins.add({ _id: 'cleanup-old-qr', status: 'expired', expiresAt: hoursAgo(2) });
    await logins.add({ _id: 'cleanup-live-qr', status: 'waiting', expiresAt: new Date(Date.now() + 120_000) });
    const run = await fire();
    assert.ok(run.faceSessions >= 1 && run.smsCodes >= 1 && run.rateCounters >= 1 && run.webLogins >= 1);
    assert.equal((await world.docs('faceSessions', { _id: face.sessionId })).length, 0);
    assert.deepEqual(
      (await world.docs<{ _id: string }>('webLogins', {})).map((d) => d._id).filter((id) => id.startsWith('cleanup-')),
      ['cleanup-live-qr'],
      'an expired QR login code goes, a live one stays',
    );
  });

  it('a WeChat user cannot run it, even with a timer-shaped event; other server calls run no sweep', async () => {
    const res = await world.as('demo-member').raw('cleanup', { Type: 'Timer', TriggerName: 'hourly' });
    assert.equal(res.ok, false);
    if (!res.ok) assert.equal(res.error.code, 'PERMISSION_DENIED');
    const server = await world.as().raw('cleanup', { action: 'sweep' });
    assert.equal(server.ok, false);
    if (!server.ok) assert.equal(server.error.code, 'UNKNOWN_ACTION');
  });
});
