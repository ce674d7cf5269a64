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
export type ActionReq<F extends FunctionName, A extends ActionName<F>> =
  FunctionActions[F][A] extends ActionSpec<infer R, unknown> ? R : never;
export type ActionRes<F extends FunctionName, A extends ActionName<F>> =
  FunctionActions[F][A] extends ActionSpec<unknown, infer R> ? R : never;

/** What the server hands every action besides its payload: who WeChat says is calling, and the retry id. */
export interface ActionContext {
  /** `openid` is empty for server-side calls, which carry no WeChat identity. */
  caller: { openid: string; appid: string };
  requestId?: string;
}

/**
 * Reads a value into its contract type, or throws the specific Chinese message for `field` (the server's
 * validators in cloudfunctions/shared/validate.ts are all of this shape).
 */
export type FieldParser<T> = (value: unknown, field: string) => T;

/**
 * A payload schema: exactly one parser per field of the request type, so a field the contract declares
 * and the schema forgets (or the other way round) is a compile error, and each parser must produce the
 * field's declared type. Optional fields take an `optional(...)` parser.
 */
export type Schema<Req> = { [K in keyof Req]-?: FieldParser<Req[K]> };

/**
 * One action on the server: the payload's schema (checked at runtime before anything else runs) and
 * the service that gets the parsed, typed input. A payload that is not an object of fields (e.g. a
 * discriminated union) gives a whole-payload parser instead of a field table.
 */
export interface ActionDef<Req, Res> {
  input: Schema<Req> | FieldParser<Req>;
  run(input: Req, ctx: ActionContext): Res | Promise<Res>;
}

/**
 * One function's action table on the server. `satisfies Handlers<'member'>` makes the compiler check
 * that every declared action is implemented, none is extra, its schema yields the declared request
 * and it returns the declared response: the contract checks the server.
 */
export type Handlers<F extends FunctionName> = {
  [A in ActionName<F>]: ActionDef<ActionReq<F, A>, ActionRes<F, A>>;
};
