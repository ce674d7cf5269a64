import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import * as importer from '../shared/importer/service';
import { id, str } from '../shared/validate';

// Names as people give spreadsheets (中文, spaces, brackets); quotes and path characters are refused.
const FILE_NAME = str({
  label: '文件名',
  max: 120,
  pattern: /^[\p{L}\p{N} _()（）【】[\]\-.、，,#&+]+$/u,
  patternMessage: '文件名只能包含文字、数字、空格和 ()-_. 等常见符号，请重命名文件后重新上传',
});
const FILE_ID = str({ label: '文件', max: 500, pattern: /^cloud:\/\/\S+$/, patternMessage: '请先上传文件' });

/** Excel member import (spec §四, §三.3): template, dry-run validation, resumable job. */
export const actions = {
  template: { input: {}, run: importer.template },
  validate: { input: { unionId: id('工会'), fileId: FILE_ID }, run: importer.validate },
  submit: { input: { unionId: id('工会'), fileId: FILE_ID }, run: importer.submit },
  run: { input: { jobId: id('导入任务') }, run: importer.run },
  jobs: { input: { unionId: id('工会') }, run: importer.jobs },
  uploadTicket: { input: { unionId: id('工会'), fileName: FILE_NAME }, run: importer.uploadTicket },
} satisfies Handlers<'importer'>;

export const main = defineFunction(actions);
