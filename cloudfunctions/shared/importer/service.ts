import type { ImportJobView, UploadTicket, ValidationReport } from '../../../typings/importer';
import { requireActor, unionsWithRight } from '../actor';
import { AppError } from '../app-error';
import { importBudgetMs } from '../config';
import type { HandlerContext } from '../handler';
import { trackPiiFile } from '../lifecycle/retention';
import { retrying } from '../retry';
import { importUploadTicket } from '../web/upload';
import { listJobs, runImport, submitImport, templateUrl, validateImport } from './jobs';

/** The importer's actions in the one service signature `(input, ctx)`: who may, then the job's own work. */

/** Work per call stays well inside the function timeout (CloudBase allows minutes; we use seconds). */
const BUDGET_MS = importBudgetMs();

/**
 * The job calls retry transient database failures from their first read (the caller, in
 * requireActor) to their last write, so one lost request does not answer a long import with
 * 系统繁忙 (recording the upload's deadline is idempotent).
 */
const trackUpload = (fileId: string, unionId: string) => retrying(() => trackPiiFile(fileId, 'importUpload', unionId));

export async function template(_input: unknown, ctx: HandlerContext): Promise<{ url: string; fileId: string }> {
  const actor = await requireActor(ctx);
  if (unionsWithRight(actor, 'import').length === 0)
    throw new AppError('PERMISSION_DENIED', '只有工会管理员或有“会员导入”权限的操作员可以下载模板');
  return templateUrl();
}

export async function validate(
  input: { unionId: string; fileId: string },
  ctx: HandlerContext,
): Promise<ValidationReport> {
  const report = await validateImport(await requireActor(ctx), input.unionId, input.fileId);
  // Checked and authorised: the upload now has a deadline (deleted with its job, or in 24 h if never submitted).
  await trackUpload(input.fileId, input.unionId);
  return report;
}

export async function submit(input: { unionId: string; fileId: string }, ctx: HandlerContext): Promise<ImportJobView> {
  const result = await submitImport(await requireActor(ctx), input.unionId, input.fileId, ctx, BUDGET_MS);
  await trackUpload(input.fileId, input.unionId);
  return result;
}

export async function run(input: { jobId: string }, ctx: HandlerContext): Promise<ImportJobView> {
  return runImport(await requireActor(ctx), input.jobId, ctx, BUDGET_MS);
}

export async function jobs(input: { unionId: string }, ctx: HandlerContext): Promise<{ jobs: ImportJobView[] }> {
  return { jobs: await listJobs(await requireActor(ctx), input.unionId) };
}

export async function uploadTicket(
  input: { unionId: string; fileName: string },
  ctx: HandlerContext,
): Promise<UploadTicket> {
  return importUploadTicket(await requireActor(ctx), input.unionId, input.fileName);
}
