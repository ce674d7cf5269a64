import type { FieldParser } from '../../typings/api';
import { AppError } from './app-error';

/**
 * Payload schemas. Every action parses its payload through one of these, so wrong types, missing
 * fields, extra fields, prototype keys, lone surrogates and control characters are refused the same
 * way everywhere, with a message naming the field.
 */
export type Parser<T> = FieldParser<T>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// C0/C1 controls except tab/newline in multi-line fields, plus bidi overrides that disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function fail(field: string, message: string): never {
  throw new AppError('INVALID_INPUT', message, field);
}

export interface StringOptions {
  label: string;
  min?: number;
  max: number;
  multiline?: boolean;
  pattern?: RegExp;
  patternMessage?: string;
}

/** Length is counted in code points, so a rare character beyond the BMP counts once. */
export function str(o: StringOptions): Parser<string> {
  return (value, field) => {
    if (value === undefined || value === null) fail(field, `请填写${o.label}`);
    if (typeof value !== 'string') fail(field, `${o.label}应为文字`);
    if (!value.isWellFormed()) fail(field, `${o.label}含有无法识别的字符，请重新输入`);
    if (CONTROL.test(value) || (!o.multiline && /[\r\n\t]/.test(value)))
      fail(field, `${o.label}含有不可见的控制字符，请重新输入`);
    const trimmed = value.trim();
    const length = [...trimmed].length;
    if (length === 0) fail(field, `请填写${o.label}`);
    if (length < (o.min ?? 1)) fail(field, `${o.label}至少 ${o.min} 个字`);
    if (length > o.max) fail(field, `${o.label}不能超过 ${o.max} 个字`);
    if (o.pattern && !o.pattern.test(trimmed)) fail(field, o.patternMessage ?? `${o.label}格式不正确`);
    return trimmed;
  };
}

export function oneOf<T extends string>(label: string, values: readonly T[]): Parser<T> {
  return (value, field) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
      fail(field, `请选择正确的${label}`);
    return value as T;
  };
}

export function int(label: string, min: number, max: number): Parser<number> {
  return (value, field) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) fail(field, `${label}应为整数`);
    if (value < min || value > max) fail(field, `${label}应在 ${min} 到 ${max} 之间`);
    return value;
  };
}

export function bool(label: string): Parser<boolean> {
  return (value, field) => {
    if (typeof value !== 'boolean') fail(field, `${label}应为是或否`);
    return value;
  };
}

/** Names of unions and workplaces: the characters real names use, nothing that reads as code. */
export const ORG_NAME = /^[\p{Script=Han}\p{L}\p{N}\p{M}·（）()\-—、&＆.．\u3000 ]+$/u;
export const orgName = (label: string, min = 2): Parser<string> =>
  str({
    label,
    min,
    max: 60,
    pattern: ORG_NAME,
    patternMessage: `${label}只能包含汉字、字母、数字、空格和括号等常用符号`,
  });

/** Document ids: what the database hands out, nothing else. */
export const id = (label: string): Parser<string> =>
  str({ label, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternMessage: `${label}不正确` });

export function list<T>(label: string, item: Parser<T>, max: number, min = 0): Parser<T[]> {
  return (value, field) => {
    if (!Array.isArray(value)) fail(field, `${label}应为列表`);
    if (value.length < min) fail(field, `请至少选择 ${min} 项${label}`);
    if (value.length > max) fail(field, `${label}一次最多 ${max} 项`);
    return value.map((v, i) => item(v, `${field}[${i}]`));
  };
}

export function optional<T>(p: Parser<T>): Parser<T | undefined> {
  const parser: Parser<T | undefined> = (value, field) =>
    value === undefined || value === null ? undefined : p(value, field);
  (parser as { optional?: boolean }).optional = true;
  return parser;
}

type Shape = Record<string, Parser<unknown>>;
export type Parsed<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

export function object<S extends Shape>(shape: S, label = '请求内容'): Parser<Parsed<S>> {
  return (value, field) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail(field, `${label}格式不正确`);
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (FORBIDDEN_KEYS.has(key)) fail(key, `不允许的字段：${key}`);
      if (!Object.prototype.hasOwnProperty.call(shape, key)) fail(key, `不支持的字段：${key}`);
    }
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, parser] of Object.entries(shape)) {
      const path = field ? `${field}.${key}` : key;
      const v = Object.prototype.hasOwnProperty.call(input, key) ? input[key] : undefined;
      if (v === undefined && !(parser as { optional?: boolean }).optional) {
        parser(v, path); // lets the field's own parser word the "missing" message
      }
      out[key] = parser(v, path);
    }
    return { ...out } as Parsed<S>;
  };
}

/** Parses an action's payload; the top level has no field prefix. */
export function parse<S extends Shape>(shape: S, payload: unknown): Parsed<S> {
  return object(shape)(payload, '');
}

export const page = { page: optional(int('页码', 1, 100000)), pageSize: optional(int('每页条数', 1, 100)) };

export function paging(p: { page?: number; pageSize?: number }): {
  skip: number;
  limit: number;
  page: number;
  pageSize: number;
} {
  const pageNo = p.page ?? 1;
  const pageSize = p.pageSize ?? 20;
  return { skip: (pageNo - 1) * pageSize, limit: pageSize, page: pageNo, pageSize };
}

/** An object whose fields another schema checks later (e.g. an application's kind-specific data). */
export function record(label: string): Parser<Record<string, unknown>> {
  return (value, field) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail(field, `${label}格式不正确`);
    return value as Record<string, unknown>;
  };
}
