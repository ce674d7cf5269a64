/** Files the user picks, the upload to cloud storage, and files opened for reading or forwarding. */
export function uploadToCloud(filePath: string, cloudPath: string): Promise<string> {
  return new Promise((resolve, reject) =>
    wx.cloud.uploadFile({ cloudPath, filePath, success: (r) => resolve(r.fileID), fail: reject }),
  );
}

/** One photo from the album or camera, uploaded under `folder`; resolves to its fileID. */
export async function pickAndUploadImage(folder: string): Promise<string> {
  const path = await new Promise<string>((resolve, reject) =>
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      success: (r) => resolve(r.tempFiles[0].tempFilePath),
      fail: reject,
    }),
  );
  return uploadToCloud(path, `uploads/${folder}/${Date.now()}.jpg`);
}

/**
 * Downloads a sheet and opens it in WeChat's viewer, whose menu forwards it to 文件传输助手 and so
 * to a PC (templates, validation reports, exports): no links to copy into a browser.
 */
export function openSheet(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      success: (r) => {
        if (r.statusCode !== 200) return reject(new Error('文件下载失败，请重试'));
        wx.openDocument({
          filePath: r.tempFilePath,
          fileType: 'xlsx',
          showMenu: true,
          success: () => resolve(),
          fail: () => reject(new Error('无法打开文件，请稍后重试')),
        });
      },
      fail: () => reject(new Error('文件下载失败，请检查网络后重试')),
    });
  });
}
