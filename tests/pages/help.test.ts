import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage, settle, textOf, texts, type, usePageEnvironment } from '../helpers/page';

const SPEC = path.join(__dirname, '..', '..', '..', 'shared', 'spec', '000_174dd08b0314d462.txt');

describe('page: help center (pages/help)', () => {
  usePageEnvironment();

  it('lists every question grouped by section', async () => {
    const page = openPage('pages/help/index');
    await settle();
    const questions = texts(page, '.faq-question');
    assert.ok(questions.length >= 37, `expected every FAQ question, got ${questions.length}`);
    assert.deepEqual(texts(page, '.section-title'), [
      '注册和登录',
      '工会组织登记',
      '会员登记和入会',
      '会员导入',
      '会员信息管理',
      '工会管理员设置',
      '常见问题',
    ]);
  });

  it('covers each numbered question of the specification', () => {
    if (!fs.existsSync(SPEC)) return; // the spec sits beside the repository, not inside it
    const spec = fs.readFileSync(SPEC, 'utf8');
    const sections = ['一、', '二、', '三、', '四、', '五、', '六、', '七、'];
    const counts = sections.map((s, i) => {
      const start = spec.indexOf(s);
      const end = i + 1 < sections.length ? spec.indexOf(sections[i + 1]) : spec.length;
      return (spec.slice(start, end).match(/^\d+、/gm) ?? []).length;
    });
    // §一 has 5 numbered questions, §二 7, §三 9, §四 2, §五 6, §六 3, §七 7.
    assert.deepEqual(counts, [5, 7, 9, 2, 6, 3, 7]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle, loaded at run time
    const { FAQ } = require('../../dist/miniprogram/pages/help/faq') as { FAQ: Array<{ id: string }> };
    const perSection = [1, 2, 3, 4, 5, 6, 7].map((n) => FAQ.filter((f) => f.id.startsWith(`${n}.`)).length);
    // §七.3 (App Store download code) has no mini-program counterpart; §七.4 is split out as the SMS question.
    assert.deepEqual(perSection, [5, 7, 9, 2, 6, 3, 6]);
  });

  it('searching narrows the list and opens a single hit', async () => {
    const page = openPage('pages/help/index');
    await type(page, '#search', '会籍转移');
    const questions = texts(page, '.faq-question');
    assert.ok(questions.includes('如何进行会籍转移？'));
    assert.ok(questions.length < 10, `the keyword should narrow the list, got ${questions.length}`);
    await type(page, '#search', '会籍转移 转入工会 审核');
    assert.deepEqual(texts(page, '.faq-question'), ['如何进行会籍转移？']);
    assert.match(texts(page, '.faq-answer')[0], /转入工会的管理员审核/);
  });

  it('tapping a question shows its answer, tapping again hides it', async () => {
    const page = openPage('pages/help/index');
    const first = page.querySelector('.faq')!;
    first.dispatchEvent('tap');
    await settle();
    assert.match(texts(page, '.faq-answer')[0], /微信中搜索本小程序/);
    first.dispatchEvent('tap');
    await settle();
    assert.equal(texts(page, '.faq-answer').length, 0);
  });

  it('a search with no result says so and what to do next', async () => {
    const page = openPage('pages/help/index', { q: encodeURIComponent('量子纠缠') });
    await settle();
    assert.equal(texts(page, '.faq-question').length, 0);
    const empty = page.querySelector('.empty-state');
    assert.ok(empty, 'an empty state should be shown');
    assert.match(textOf(empty), /没有找到“量子纠缠”相关的问题/);
  });
});
