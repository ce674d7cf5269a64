import { ClientError } from '../api/client';

/**
 * What every page does around a call: a loading state that also blocks a second tap, and the
 * server's message shown as is. A too-old client gets the update prompt instead of a toast.
 */
type Host = { setData(data: Record<string, unknown>): void; data: Record<string, unknown> };

export async function run<T>(page: Host, work: () => Promise<T>, opts: { loadingText?: string; errorField?: string; silent?: boolean } = {}): Promise<T | undefined> {
  if (page.data.busy) return undefined;
  page.setData({ busy: true, error: '', fieldErrors: {} });
  // Loading more of a list shows its own footer, not a mask over the page.
  if (!opts.silent) wx.showLoading({ title: opts.loadingText ?? '请稍候', mask: true });
  try {
    return await work();
  } catch (err) {
    const message = err instanceof Error ? err.message : '系统繁忙，请稍后重试';
    if (err instanceof ClientError && err.code === 'CLIENT_TOO_OLD') {
      wx.showModal({ title: '版本过低', content: message, showCancel: false });
    } else {
      // The message goes next to the field it is about (when the server names one) and on the page.
      const field = err instanceof ClientError && err.field ? { [`fieldErrors.${err.field}`]: message } : {};
      page.setData({ [opts.errorField ?? 'error']: message, ...field });
      wx.showToast({ title: message, icon: 'none', duration: 3000 });
    }
    return undefined;
  } finally {
    if (!opts.silent) wx.hideLoading();
    page.setData({ busy: false });
  }
}

/** A confirmation before anything destructive. */
export function confirm(title: string, content: string, confirmText = '确定'): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, confirmText, success: (r) => resolve(r.confirm), fail: () => resolve(false) });
  });
}

/**
 * Asks for a reason (reject, remove, deregister, revoke) in the page's `<reason-dialog id="reason-dialog">`.
 * Empty means cancelled.
 */
export function askReason(page: { selectComponent(selector: string): unknown }, title: string, placeholder: string, confirmText?: string): Promise<string> {
  const dialog = page.selectComponent('#reason-dialog') as { open(o: { title: string; placeholder: string; confirmText?: string }): Promise<string> } | null;
  if (!dialog) throw new Error('this page has no reason-dialog');
  return dialog.open({ title, placeholder, confirmText });
}

export function toast(title: string): void {
  wx.showToast({ title, icon: 'success' });
}

/** Asks once for the review-result notice, so an applicant hears the decision (best effort). */
export function askReviewNotice(templateId: string): Promise<void> {
  return new Promise((resolve) => {
    if (typeof wx.requestSubscribeMessage !== 'function' || !templateId) return resolve();
    wx.requestSubscribeMessage({ tmplIds: [templateId], complete: () => resolve() } as WechatMiniprogram.RequestSubscribeMessageOption);
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
  page.setData({ [field]: (e.detail as { value: unknown }).value, ...(errors[field] ? { [`fieldErrors.${field}`]: '' } : {}) });
}
