import Dialog from 'tdesign-miniprogram/dialog/index';
import Toast from 'tdesign-miniprogram/toast/index';
import { ClientError } from '../api/client';

/**
 * Toasts and confirmations are TDesign's t-toast / t-dialog, opened through their JS APIs as the
 * TDesign starter does: every page that calls these has `<t-toast id="t-toast" />` and
 * `<t-dialog id="t-dialog" />` (see pages' .json). They look like the rest of the app, unlike
 * wx.showToast, whose 7-character title cuts off a server message.
 */
type Context = WechatMiniprogram.Component.TrivialInstance | WechatMiniprogram.Page.TrivialInstance;
/** A page (or component) whose template holds the t-toast and t-dialog. */
export type UiContext = { selectComponent(selector: string): unknown };
type Host = UiContext & { setData(data: Record<string, unknown>): void; data: Record<string, unknown> };

/** A short notice; `success` shows the check mark (done), otherwise the text alone (a message to read). */
export function toast(page: UiContext, message: string, theme?: 'success' | 'error'): void {
  Toast({
    context: page as unknown as Context,
    selector: '#t-toast',
    message,
    theme,
    duration: theme === 'success' ? 2000 : 3000,
  });
}

/** A confirmation before anything destructive: true when the person taps the confirm button. */
export function confirm(page: UiContext, title: string, content: string, confirmText = '确定'): Promise<boolean> {
  return Dialog.confirm({
    context: page as unknown as Context,
    selector: '#t-dialog',
    title,
    content,
    confirmBtn: confirmText,
    cancelBtn: '取消',
  }).then(
    () => true,
    () => false,
  );
}

/** A message that needs reading before going on, with one button. */
export function alert(page: UiContext, title: string, content: string): Promise<void> {
  return Dialog.alert({
    context: page as unknown as Context,
    selector: '#t-dialog',
    title,
    content,
    confirmBtn: '知道了',
  }).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * What every page does around a call: a loading state that also blocks a second tap, and the
 * server's message shown as is. A too-old client gets the update prompt instead of a toast.
 */
export async function run<T>(
  page: Host,
  work: () => Promise<T>,
  opts: { loadingText?: string; errorField?: string; silent?: boolean } = {},
): Promise<T | undefined> {
  if (page.data.busy) return undefined;
  page.setData({ busy: true, error: '', fieldErrors: {} });
  // Loading more of a list shows its own footer, not a mask over the page.
  if (!opts.silent) wx.showLoading({ title: opts.loadingText ?? '请稍候', mask: true });
  try {
    return await work();
  } catch (err) {
    const message = err instanceof Error ? err.message : '系统繁忙，请稍后重试';
    if (err instanceof ClientError && err.code === 'CLIENT_TOO_OLD') {
      void alert(page, '版本过低', message);
    } else {
      // The message stays on the page, and next to the field it is about when the server names one.
      // A toast only when no field is named: over a form it would cover the field that says it already.
      const field = err instanceof ClientError && err.field ? { [`fieldErrors.${err.field}`]: message } : {};
      page.setData({ [opts.errorField ?? 'error']: message, ...field });
      if (!(err instanceof ClientError && err.field)) toast(page, message);
    }
    return undefined;
  } finally {
    if (!opts.silent) wx.hideLoading();
    page.setData({ busy: false });
  }
}

/**
 * Asks for a reason (reject, remove, deregister, revoke) in the page's `<reason-dialog id="reason-dialog">`.
 * Empty means cancelled.
 */
export function askReason(page: UiContext, title: string, placeholder: string, confirmText?: string): Promise<string> {
  const dialog = page.selectComponent('#reason-dialog') as {
    open(o: { title: string; placeholder: string; confirmText?: string }): Promise<string>;
  } | null;
  if (!dialog) throw new Error('this page has no reason-dialog');
  return dialog.open({ title, placeholder, confirmText });
}

/** Asks once for the review-result notice, so an applicant hears the decision (best effort). */
export function askReviewNotice(templateId: string): Promise<void> {
  return new Promise((resolve) => {
    if (typeof wx.requestSubscribeMessage !== 'function' || !templateId) return resolve();
    wx.requestSubscribeMessage({
      tmplIds: [templateId],
      complete: () => resolve(),
    } as WechatMiniprogram.RequestSubscribeMessageOption);
  });
}

export const REVIEW_NOTICE_TEMPLATE = 'review-result-template-id';

/**
 * Input handler shared by forms (native input or TDesign t-input / t-textarea change): `data-field`
 * names the data key; typing clears that field's message.
 */
export function bindField(page: Host, e: WechatMiniprogram.Input | WechatMiniprogram.CustomEvent): void {
  const field = String((e.currentTarget as { dataset: Record<string, unknown> }).dataset.field);
  const errors = (page.data.fieldErrors ?? {}) as Record<string, string>;
  page.setData({
    [field]: (e.detail as { value: unknown }).value,
    ...(errors[field] ? { [`fieldErrors.${field}`]: '' } : {}),
  });
}
