/** Files the user picks and the upload to cloud storage, shared by the pages that take a photo or a sheet. */
export function uploadToCloud(filePath: string, cloudPath: string): Promise<string> {
  return new Promise((resolve, reject) => wx.cloud.uploadFile({ cloudPath, filePath, success: (r) => resolve(r.fileID), fail: reject }));
}

/** One photo from the album or camera, uploaded under `folder`; resolves to its fileID. */
export async function pickAndUploadImage(folder: string): Promise<string> {
  const path = await new Promise<string>((resolve, reject) =>
    wx.chooseMedia({ count: 1, mediaType: ['image'], success: (r) => resolve(r.tempFiles[0].tempFilePath), fail: reject }),
  );
  return uploadToCloud(path, `uploads/${folder}/${Date.now()}.jpg`);
}
