/**
 * WeChat's privacy consent (用户隐私保护指引, required since 2023-09 for every API that reads personal
 * information). WeChat calls onNeedPrivacyAuthorization before such an API runs; the privacy popup on
 * the current page shows the guideline and answers with the user's agree / disagree.
 */
type Resolve = (r: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void;
type Listener = () => void;

let pending: Resolve | undefined;
const listeners = new Set<Listener>();

/** app.ts: route WeChat's requests for consent to the popup on screen. */
export function listenForPrivacyRequests(): void {
  const w = wx as unknown as { onNeedPrivacyAuthorization?: (cb: (resolve: Resolve) => void) => void };
  if (typeof w.onNeedPrivacyAuthorization !== 'function') return; // base library < 2.32.3: no check
  w.onNeedPrivacyAuthorization((resolve) => {
    pending = resolve;
    if (listeners.size === 0) {
      // No popup on this page: refuse rather than leave the API call hanging; the page explains.
      resolve({ event: 'disagree' });
      pending = undefined;
      return;
    }
    listeners.forEach((l) => l());
  });
}

export function onPrivacyRequest(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function answerPrivacy(agree: boolean, buttonId?: string): void {
  pending?.(agree ? { event: 'agree', buttonId } : { event: 'disagree' });
  pending = undefined;
}

export function openPrivacyContract(): void {
  const w = wx as unknown as { openPrivacyContract?: (o: { fail?: () => void }) => void };
  const rules = () => void wx.navigateTo({ url: '/pages/legal/index?doc=privacy' });
  if (typeof w.openPrivacyContract === 'function') w.openPrivacyContract({ fail: rules });
  else rules();
}

/**
 * What each privacy-relevant API the mini-program calls collects and why: the text of the
 * 用户隐私保护指引 filled in on mp.weixin.qq.com, shown in 个人信息处理规则 as well.
 * tests/pages/privacy.test.ts fails when a page calls one of these APIs without a line here.
 */
export const PRIVACY_DECLARATIONS: Array<{ api: string; info: string; purpose: string }> = [
  {
    api: 'chooseMedia',
    info: '选中的照片或视频信息',
    purpose: '上传证件照片（港澳台及外籍人员注册）和盖章证明（内置账号申请）',
  },
  { api: 'chooseMessageFile', info: '选中的文件', purpose: '工会管理员从聊天记录选择会员导入表格' },
  { api: 'saveImageToPhotosAlbum', info: '相册（仅写入）', purpose: '把工会二维码保存到相册以便打印张贴' },
  { api: 'setClipboardData', info: '剪切板', purpose: '复制二维码链接或文件名，便于转发到电脑' },
  { api: 'scanCode', info: '摄像头', purpose: '扫描工会组织登记二维码和会员登记二维码' },
  { api: 'openDocument', info: '打开的文件', purpose: '查看导入模板和校验报告，并可转发到电脑' },
];
