import { requireActor } from '../shared/actor';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { memberTrend } from '../shared/membership/trend';
import { exportMembers, listMembers, myMembership, removeMembers, searchUnions } from '../shared/membership/service';
import { keysetPaging } from '../shared/paging';
import { bool, id, list, optional, parse, str } from '../shared/validate';
import { workflow } from '../shared/workflow/registry';

/** Membership: union search, the member's own card and the admin's member management (spec §三, §五). */
export const actions = {
  searchUnions: async (payload, ctx) => {
    const input = parse({ keyword: str({ label: '工会或单位名称', min: 2, max: 30 }) }, payload);
    await requireActor(ctx);
    return searchUnions(input.keyword);
  },
  my: (payload, ctx) => {
    parse({}, payload);
    return myMembership(ctx, workflow);
  },
  list: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), realName: bool('是否实名'), keyword: optional(str({ label: '关键字', max: 30 })), ...keysetPaging }, payload);
    const actor = await requireActor(ctx);
    return listMembers(actor, input);
  },
  remove: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), memberIds: list('会员', id('会员'), 100, 1), reason: str({ label: '移出原因', min: 2, max: 200, multiline: true }) }, payload);
    const actor = await requireActor(ctx);
    return { results: await removeMembers(actor, input.unionId, [...new Set(input.memberIds)], input.reason, ctx) };
  },
  export: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), realName: bool('是否实名') }, payload);
    const actor = await requireActor(ctx);
    return exportMembers(actor, input.unionId, input.realName, ctx);
  },
  trend: async (payload, ctx) => {
    const input = parse({ unionId: id('工会') }, payload);
    return memberTrend(await requireActor(ctx), input.unionId);
  },
} satisfies Handlers<'member'>;

export const main = defineFunction(actions);
