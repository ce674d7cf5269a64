import type { ApiError } from './errors';
import type { AccountActions } from './account';
import type { AdminActions } from './admin';
import type { ImporterActions } from './importer';
import type { MemberActions } from './member';
import type { OrgActions } from './org';
import type { ReviewActions } from './review';
import type { SystemActions } from './system';

/** What the mini-program sends to a cloud function. */
export interface ApiRequest<A extends string = string, P = unknown> {
  action: A;
  payload?: P;
  /** Same id for a retried tap: the server answers a replay with the first result instead of acting twice. */
  requestId?: string;
  /** The mini-program's version, checked against the server's minimum. */
  clientVersion?: string;
}

export type ApiResponse<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** One action's contract. */
export interface ActionSpec<Req, Res> {
  req: Req;
  res: Res;
}

/** Every cloud function and its actions: the single source of truth for both sides. */
export interface FunctionActions {
  system: SystemActions;
  account: AccountActions;
  review: ReviewActions;
  org: OrgActions;
  member: MemberActions;
  admin: AdminActions;
  importer: ImporterActions;
}

export type FunctionName = keyof FunctionActions;
export type ActionName<F extends FunctionName> = keyof FunctionActions[F] & string;
export type ActionReq<F extends FunctionName, A extends ActionName<F>> = FunctionActions[F][A] extends ActionSpec<infer R, unknown> ? R : never;
export type ActionRes<F extends FunctionName, A extends ActionName<F>> = FunctionActions[F][A] extends ActionSpec<unknown, infer R> ? R : never;

/** What the server hands every action besides its payload: who WeChat says is calling, and the retry id. */
export interface ActionContext {
  /** `openid` is empty for server-side calls, which carry no WeChat identity. */
  caller: { openid: string; appid: string };
  requestId?: string;
}

/**
 * One function's action table on the server. `satisfies Handlers<'member'>` makes the compiler check
 * that every declared action is implemented, none is extra, and each returns its declared response.
 * The payload stays `unknown`: each action validates it at runtime before use.
 */
export type Handlers<F extends FunctionName> = {
  [A in ActionName<F>]: (payload: unknown, ctx: ActionContext) => ActionRes<F, A> | Promise<ActionRes<F, A>>;
};
