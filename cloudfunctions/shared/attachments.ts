import type { ReviewAttachment } from '../../typings/review';
import { cloudApp } from './cloud';
import type { HandlerContext } from './handler';
import { workflow } from './workflow/registry';

/** Short-lived: a document photo is personal data; the reviewer's page asks again when it reopens. */
const PHOTO_URL_SECONDS = 600;

/**
 * Signed temporary addresses of an application's images (the document photo of 证件注册, a
 * certificate) for a browser, which cannot open cloud:// file ids the way the mini-program does.
 * Who may see them is who may see the application: its detail decides (applicant or reviewer).
 */
export async function attachmentUrls(applicationId: string, ctx: HandlerContext): Promise<{ attachments: ReviewAttachment[] }> {
  const app = await workflow.detail(applicationId, ctx);
  if (!app.attachments.length) return { attachments: [] };
  const res = await cloudApp().getTempFileURL({ fileList: app.attachments.map((fileID) => ({ fileID, maxAge: PHOTO_URL_SECONDS })) });
  return {
    attachments: app.attachments.map((fileId) => {
      const found = res.fileList.find((f) => f.fileID === fileId);
      return { fileId, url: found?.code === 'SUCCESS' ? found.tempFileURL : '' };
    }),
  };
}
