import assert from 'node:assert/strict';
import { launchApp, usePageEnvironment, wxCalls } from '../helpers/page';

/** The app shell's update prompts (wx.getUpdateManager), as WeChat drives them. */
describe('app shell: version prompts', () => {
  usePageEnvironment();

  function launch(): { ready(): void; failed(): void; applied: () => boolean } {
    let onReady = () => {};
    let onFailed = () => {};
    let applied = false;
    const g = global as unknown as { wx: Record<string, unknown> };
    g.wx.getUpdateManager = () => ({
      onUpdateReady: (f: () => void) => (onReady = f),
      onUpdateFailed: (f: () => void) => (onFailed = f),
      onCheckForUpdate: () => undefined,
      applyUpdate: () => (applied = true),
    });
    launchApp();
    return { ready: () => onReady(), failed: () => onFailed(), applied: () => applied };
  }

  it('offers to restart into a downloaded update', () => {
    const app = launch();
    wxCalls.modalAnswers.push(true);
    app.ready();
    assert.equal(wxCalls.modals[0].title, '发现新版本');
    assert.equal(app.applied(), true);
  });

  it('tells a user whose update failed that the version is too low and what to do', () => {
    const app = launch();
    app.failed();
    assert.equal(wxCalls.modals[0].title, '版本过低');
    assert.match(wxCalls.modals[0].content ?? '', /删除小程序后重新搜索进入/);
    assert.equal(app.applied(), false);
  });
});
