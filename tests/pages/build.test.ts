import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { resolveComponent, resolveScript, scriptSpecifiers } from '../../scripts/build-miniprogram';
import { MP_OUT } from '../helpers/page';

/**
 * What is built is what runs: starting from every page in app.json, every component, script, template,
 * wxs and style that WeChat would load must be a file in dist/miniprogram (TDesign's ES imports too).
 */
interface AppJson {
  pages: string[];
  subpackages?: Array<{ root: string; pages: string[] }>;
  usingComponents?: Record<string, string>;
  tabBar?: { custom?: boolean; list: Array<{ pagePath: string; iconPath?: string; selectedIconPath?: string }> };
}

function closure(): { files: Set<string>; missing: string[] } {
  const app = JSON.parse(fs.readFileSync(path.join(MP_OUT, 'app.json'), 'utf8')) as AppJson;
  const pages = [
    ...app.pages,
    ...(app.subpackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/$/, '')}/${p}`)),
  ];
  const files = new Set<string>();
  const missing: string[] = [];
  const queue: string[] = [path.join(MP_OUT, 'app.js'), path.join(MP_OUT, 'app.wxss')];
  for (const icon of (app.tabBar?.list ?? []).flatMap((i) => [i.iconPath, i.selectedIconPath]))
    if (icon) queue.push(path.join(MP_OUT, icon));
  const component = (base: string) => {
    for (const ext of ['.js', '.json', '.wxml']) queue.push(base + ext);
    if (fs.existsSync(`${base}.wxss`)) queue.push(`${base}.wxss`);
  };
  for (const p of pages) component(path.join(MP_OUT, p));
  if (app.tabBar?.custom) component(path.join(MP_OUT, 'custom-tab-bar', 'index'));
  for (const [tag, spec] of Object.entries(app.usingComponents ?? {})) {
    const hit = resolveComponent(path.join(MP_OUT, 'app.json'), spec, MP_OUT);
    if (hit) component(hit);
    else missing.push(`app.json: ${tag} → ${spec}`);
  }
  while (queue.length) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    const where = path.relative(MP_OUT, file);
    if (!fs.existsSync(file)) {
      missing.push(where);
      continue;
    }
    files.add(file);
    const text = fs.readFileSync(file, 'utf8');
    const ext = path.extname(file);
    if (ext === '.js') {
      for (const spec of scriptSpecifiers(text)) {
        const hit = resolveScript(file, spec, MP_OUT);
        if (hit) queue.push(hit);
        else missing.push(`${where}: require ${spec}`);
      }
    } else if (ext === '.json' && path.basename(file) !== 'app.json') {
      for (const [tag, spec] of Object.entries(
        (JSON.parse(text) as { usingComponents?: Record<string, string> }).usingComponents ?? {},
      )) {
        const hit = resolveComponent(file, spec, MP_OUT);
        if (hit) component(hit);
        else missing.push(`${where}: ${tag} → ${spec}`);
      }
    } else if (ext === '.wxml') {
      for (const m of text.matchAll(/<(?:wxs|import|include)[^>]*\ssrc=["']([^"']+)["']/g))
        queue.push(path.resolve(path.dirname(file), m[1].startsWith('/') ? path.join(MP_OUT, m[1]) : m[1]));
    } else if (ext === '.wxs') {
      for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g))
        queue.push(path.resolve(path.dirname(file), m[1]));
    } else if (ext === '.wxss') {
      for (const m of text.matchAll(/@import\s+["']([^"']+)["']/g)) queue.push(path.resolve(path.dirname(file), m[1]));
    }
  }
  return { files, missing };
}

describe('build: dist/miniprogram is complete', () => {
  it('every page, component, script, template and style WeChat would load is in dist/miniprogram', () => {
    const { files, missing } = closure();
    assert.deepEqual(missing, []);
    const npm = [...files].filter((f) => f.includes(`${path.sep}miniprogram_npm${path.sep}`));
    // TDesign loads its helpers with ES imports (common/src, tslib); those must be there too.
    assert.ok(
      npm.some((f) => f.endsWith(path.join('common', 'src', 'superComponent.js'))),
      'TDesign common/src is in the closure',
    );
    assert.ok(
      npm.some((f) => f.endsWith(path.join('miniprogram_npm', 'tslib', 'index.js'))),
      'tslib is in the closure',
    );
  });

  it('no built script keeps an ES import (it runs as CommonJS, as DevTools compiles it)', () => {
    const { files } = closure();
    const esm = [...files].filter(
      (f) =>
        f.endsWith('.js') &&
        /(^|[;}])\s*(import\s*[\w{*$][\w{}*$\s,]*from\s*["']|import\s*["']|export\s*(default|const|let|var|function|class|[{*]))/m.test(
          fs.readFileSync(f, 'utf8'),
        ),
    );
    assert.deepEqual(
      esm.map((f) => path.relative(MP_OUT, f)),
      [],
    );
    // Bare package names are rewritten to the file WeChat resolves, so Node (page tests) loads that same file.
    const bare = [...files].filter(
      (f) =>
        f.includes('miniprogram_npm') &&
        f.endsWith('.js') &&
        scriptSpecifiers(fs.readFileSync(f, 'utf8')).some((s) => !s.startsWith('.') && !s.startsWith('/')),
    );
    assert.deepEqual(
      bare.map((f) => path.relative(MP_OUT, f)),
      [],
    );
  });

  it('icons come with the package, not from a CDN: every icon a page names is drawn from a local SVG', () => {
    const { files } = closure();
    const styles = [...files].filter((f) => f.endsWith('.wxss')).map((f) => fs.readFileSync(f, 'utf8'));
    assert.deepEqual(
      styles.filter((css) => /url\(\s*["']?https?:/.test(css)).length,
      0,
      'no style loads anything over the network',
    );
    const iconCss = fs.readFileSync(
      path.join(MP_OUT, 'miniprogram_npm', 'tdesign-miniprogram', 'icon', 'icon.wxss'),
      'utf8',
    );
    assert.ok(!/@font-face/.test(iconCss), 'the CDN icon font is gone');
    // Icons the app's own templates and scripts name, and those TDesign's cells, inputs and toasts use.
    const sources = [...files]
      .filter((f) => !f.includes('miniprogram_npm') && /\.(wxml|js)$/.test(f))
      .map((f) => fs.readFileSync(f, 'utf8'));
    const named = new Set(['chevron-right', 'close-circle-filled', 'check-circle', 'check', 'search']);
    for (const text of sources)
      for (const m of text.matchAll(/(?:\bicon="|\bname="|icon: ')([a-z][a-z0-9-]*)["']/g)) named.add(m[1]);
    for (const text of sources.filter((t) => t.includes('<t-icon')))
      for (const m of text.matchAll(/<t-icon[^>]*\bname="([a-z][a-z0-9-]*)"/g)) named.add(m[1]);
    // t-radio's icon="dot" names a radio style, not an icon.
    const missing = [...named].filter(
      (n) => n !== 'dot' && !iconCss.includes(`.t-icon-${n}{--t-icon-svg:url("data:image/svg+xml,`),
    );
    assert.deepEqual(missing, []);
  });
});
