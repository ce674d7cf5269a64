import {
  APPLICATION_KIND_NAMES,
  APPLICATION_STATUS_NAMES,
  type ApplicationKind,
  type ApplicationStatus,
} from '../../typings/models';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { keysetPaging } from '../shared/paging';
import { id, list, oneOf, optional, page, str } from '../shared/validate';
import { attachments, detail, listInbox, listMine } from '../shared/workflow/queries';
import { parseSubmission } from '../shared/workflow/registry';
import { approve, batchApprove, reject, submit, withdraw } from '../shared/workflow/transitions';

const KIND = oneOf<ApplicationKind>('申请类型', Object.keys(APPLICATION_KIND_NAMES) as ApplicationKind[]);
const STATUS = oneOf<ApplicationStatus>('申请状态', Object.keys(APPLICATION_STATUS_NAMES) as ApplicationStatus[]);

/** The single application workflow: every kind is submitted, reviewed and withdrawn here. */
export const actions = {
  submit: { input: parseSubmission, run: submit },
  withdraw: { input: { id: id('申请') }, run: withdraw },
  approve: { input: { id: id('申请') }, run: approve },
  reject: {
    input: { id: id('申请'), reason: str({ label: '驳回原因', min: 2, max: 200, multiline: true }) },
    run: reject,
  },
  batchApprove: { input: { ids: list('申请', id('申请'), 1000, 1) }, run: batchApprove },
  listInbox: { input: { kind: optional(KIND), ...keysetPaging }, run: listInbox },
  listMine: { input: { status: optional(STATUS), ...page }, run: listMine },
  detail: { input: { id: id('申请') }, run: detail },
  attachments: { input: { id: id('申请') }, run: attachments },
} satisfies Handlers<'review'>;

export const main = defineFunction(actions);
