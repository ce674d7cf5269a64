import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { ping, status } from '../shared/health';

/** Health and version: the mini-program's first call, which also tells an old client to update. */
export const actions = {
  ping: { input: {}, run: ping },
  status: { input: {}, run: status },
} satisfies Handlers<'system'>;

export const main = defineFunction(actions);
