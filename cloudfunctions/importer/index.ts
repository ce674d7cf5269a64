import { requireActor, unionsWithRight } from '../shared/actor';
import { AppError } from '../shared/app-error';
import { importBudgetMs } from '../shared/config';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { listJobs, runImport, submitImport, templateUrl, validateImport } from '../shared/importer/jobs';
import { id, parse, str } from '../shared/validate';
import { trackPiiFile } from '../shared/lifecycle/retention';
import { importUploadTicket } from '../shared/web/upload';

/** Work per call stays well inside the function timeout (CloudBase allows minutes; we use seconds). */
const BUDGET_MS = importBudgetMs();
// Names as people give spreadsheets (中文, spaces, brackets); quotes and path characters are refused.
const FILE_NAME = str({ label: '文件名', max: 120, pattern: /^[\p{L}\p{N} _()（）【】[\]\-.、，,#&+]+$/u, patternMessage: '文件名只能包含文字、数字、空格和 ()-_. 等常见符号，请重命名文件后重新上传' });
const FILE_ID = str({ label: '文件', max: 500, pattern: /^cloud:\/\/\S+$/, patternMessage: '请先上传文件' });

/** Excel member import (spec §四, §三.3): template, dry-run validation, resumable job. */
export const actions = {
  template: async (payload, ctx) => {
    parse({}, payload);
    const actor = await requireActor(ctx);
    if (unionsWithRight(actor, 'import').length === 0) throw new AppError('PERMISSION_DENIED', '只有工会管理员或有“会员导入”权限的操作员可以下载模板');
    return templateUrl();
  },
  validate: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), fileId: FILE_ID }, payload);
    const actor = await requireActor(ctx);
    const report = await validateImport(actor, input.unionId, input.fileId);
    // Checked and authorised: the upload now has a deadline (deleted with its job, or in 24 h if never submitted).
    await trackPiiFile(input.fileId, 'importUpload', input.unionId);
    return report;
  },
  submit: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), fileId: FILE_ID }, payload);
    const result = await submitImport(await requireActor(ctx), input.unionId, input.fileId, ctx, BUDGET_MS);
    await trackPiiFile(input.fileId, 'importUpload', input.unionId);
    return result;
  },
  run: async (payload, ctx) => {
    const input = parse({ jobId: id('导入任务') }, payload);
    return runImport(await requireActor(ctx), input.jobId, ctx, BUDGET_MS);
  },
  jobs: async (payload, ctx) => {
    const input = parse({ unionId: id('工会') }, payload);
    return { jobs: await listJobs(await requireActor(ctx), input.unionId) };
  },
  uploadTicket: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), fileName: FILE_NAME }, payload);
    return importUploadTicket(await requireActor(ctx), input.unionId, input.fileName);
  },
} satisfies Handlers<'importer'>;

export const main = defineFunction(actions);
