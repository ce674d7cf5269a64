import type { QrPurpose } from '../../typings/org';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import * as org from '../shared/org/service';
import { keysetPaging } from '../shared/paging';
import { id, oneOf, optional, str } from '../shared/validate';

const PURPOSE = oneOf<QrPurpose>('二维码类型', ['org', 'member']);

/** Union organisations: QR codes, the admin's own unions and the directory (spec §二, §五). */
export const actions = {
  scan: { input: { code: str({ label: '二维码内容', max: 600 }) }, run: org.scan },
  myUnions: { input: {}, run: org.myUnions },
  detail: { input: { unionId: id('工会') }, run: org.detail },
  qr: { input: { unionId: id('工会'), purpose: PURPOSE }, run: org.qr },
  regenerateQr: { input: { unionId: id('工会'), purpose: PURPOSE }, run: org.regenerateQr },
  directory: {
    input: {
      unionId: id('工会'),
      category: oneOf<'above' | 'grassroots'>('工会类型', ['above', 'grassroots']),
      keyword: optional(str({ label: '关键字', max: 30 })),
      ...keysetPaging,
    },
    run: org.directory,
  },
  stats: { input: { unionId: id('工会') }, run: org.stats },
} satisfies Handlers<'org'>;

export const main = defineFunction(actions);
