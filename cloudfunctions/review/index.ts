import { APPLICATION_KIND_NAMES, APPLICATION_STATUS_NAMES, type ApplicationKind, type ApplicationStatus } from '../../typings/models';
import type { Handlers } from '../../typings/api';
import { attachmentUrls } from '../shared/attachments';
import { defineFunction } from '../shared/handler';
import { keysetPaging } from '../shared/paging';
import { id, list, oneOf, optional, page, paging, parse, record, str } from '../shared/validate';
import { workflow } from '../shared/workflow/registry';

const KIND = oneOf<ApplicationKind>('申请类型', Object.keys(APPLICATION_KIND_NAMES) as ApplicationKind[]);
const STATUS = oneOf<ApplicationStatus>('申请状态', Object.keys(APPLICATION_STATUS_NAMES) as ApplicationStatus[]);

/** The single application workflow: every kind is submitted, reviewed and withdrawn here. */
export const actions = {
  submit: async (payload, ctx) => {
    const input = parse({ kind: KIND, data: record('申请内容') }, payload);
    return workflow.submit(input.kind, input.data, ctx);
  },
  withdraw: async (payload, ctx) => {
    const input = parse({ id: id('申请') }, payload);
    return { application: await workflow.withdraw(input.id, ctx) };
  },
  approve: async (payload, ctx) => {
    const input = parse({ id: id('申请') }, payload);
    return { application: await workflow.decide(input.id, 'approved', null, ctx) };
  },
  reject: async (payload, ctx) => {
    const input = parse({ id: id('申请'), reason: str({ label: '驳回原因', min: 2, max: 200, multiline: true }) }, payload);
    return { application: await workflow.decide(input.id, 'rejected', input.reason, ctx) };
  },
  batchApprove: async (payload, ctx) => {
    const input = parse({ ids: list('申请', id('申请'), 1000, 1) }, payload);
    return { results: await workflow.batchApprove([...new Set(input.ids)], ctx) };
  },
  listInbox: async (payload, ctx) => {
    const input = parse({ kind: optional(KIND), ...keysetPaging }, payload);
    return workflow.listInbox(input.kind, input, ctx);
  },
  listMine: async (payload, ctx) => {
    const input = parse({ status: optional(STATUS), ...page }, payload);
    const p = paging(input);
    return { ...(await workflow.listMine(input.status, p.skip, p.limit, ctx)), page: p.page, pageSize: p.pageSize };
  },
  detail: async (payload, ctx) => {
    const input = parse({ id: id('申请') }, payload);
    return { application: await workflow.detail(input.id, ctx) };
  },
  attachments: async (payload, ctx) => {
    const input = parse({ id: id('申请') }, payload);
    return attachmentUrls(input.id, ctx);
  },
} satisfies Handlers<'review'>;

export const main = defineFunction(actions);
