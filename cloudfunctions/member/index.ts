import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { memberTrend } from '../shared/membership/trend';
import { exportMembers, listMembers, myMembership, removeMembers } from '../shared/membership/service';
import { searchUnions } from '../shared/org/search';
import { keysetPaging } from '../shared/paging';
import { bool, id, list, optional, str } from '../shared/validate';

/** Membership: union search, the member's own card and the admin's member management (spec §三, §五). */
export const actions = {
  searchUnions: { input: { keyword: str({ label: '工会或单位名称', min: 2, max: 30 }) }, run: searchUnions },
  my: { input: {}, run: myMembership },
  list: {
    input: {
      unionId: id('工会'),
      realName: bool('是否实名'),
      keyword: optional(str({ label: '关键字', max: 30 })),
      ...keysetPaging,
    },
    run: listMembers,
  },
  remove: {
    input: {
      unionId: id('工会'),
      memberIds: list('会员', id('会员'), 100, 1),
      reason: str({ label: '移出原因', min: 2, max: 200, multiline: true }),
    },
    run: removeMembers,
  },
  export: { input: { unionId: id('工会'), realName: bool('是否实名') }, run: exportMembers },
  trend: { input: { unionId: id('工会') }, run: memberTrend },
} satisfies Handlers<'member'>;

export const main = defineFunction(actions);
