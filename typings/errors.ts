/**
 * Error codes every function may answer with, shared by the functions and the mini-program.
 * The message travels with the code and is written for the person using the app: what went wrong
 * and what to do next.
 */
export const ERROR_MESSAGES = {
  INVALID_INPUT: '提交的信息有误，请检查后重试',
  UNKNOWN_ACTION: '不支持的操作，请升级小程序后重试',
  PAYLOAD_TOO_LARGE: '提交的内容过大，请精简后重试',
  NOT_LOGGED_IN: '请先登录或完成实名注册',
  PERMISSION_DENIED: '没有权限进行此操作，请联系本级工会管理员',
  NOT_FOUND: '要操作的记录不存在或已被删除',
  CONFLICT: '该记录已被他人修改，请刷新后重试',
  ALREADY_PROCESSED: '该申请已被处理',
  DUPLICATE: '记录已存在，请勿重复提交',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  LOGIN_FAILED: '账号或密码错误',
  PHONE_NOT_REGISTERED: '该手机号未注册',
  ACCOUNT_LOCKED: '密码错误次数过多，账号已锁定 15 分钟，请稍后再试或使用短信验证码登录',
  SMS_CODE_INVALID: '验证码不正确或已过期，请重新获取',
  FACE_FAILED: '人脸核身未通过',
  FACE_CANCELLED: '您已取消人脸核身，如需注册请重新开始',
  FACE_EXPIRED: '人脸核身已超时，请重新开始',
  FACE_RETRY: '人脸核身没有完成，请在光线充足、网络稳定处重试',
  CLIENT_TOO_OLD: '当前版本过低，请删除小程序后重新进入以升级到最新版本',
  NETWORK_TIMEOUT: '访问超时，请重试',
  INTERNAL: '系统繁忙，请稍后重试',
  CONFIG_ERROR: '服务尚未配置完成，暂时无法办理，请稍后再试或联系所在工会',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface ApiError {
  code: ErrorCode;
  /** Chinese, shown to the user as is. */
  message: string;
  /** Which input field is wrong, when one is. */
  field?: string;
}
