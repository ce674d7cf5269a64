/**
 * TDesign's t-icon draws glyphs from an icon font on tdesign.gtimg.com, which WeChat may not reach
 * (and a test machine cannot). The build ships the icons instead: each icon the app can show becomes
 * a small SVG (from tdesign-icons-svg, the same Tencent set) used as a CSS mask over currentColor,
 * so size and colour still follow the t-icon's font-size and color. Only icons whose names appear in
 * the built files are kept, and the font's 2,000-rule glyph table goes, so the package gets smaller.
 */
import fs from 'node:fs';
import path from 'node:path';

const SVG_DIR = path.resolve(__dirname, '..', 'node_modules', 'tdesign-icons-svg', 'src');
const ICON_WXSS = path.join('miniprogram_npm', 'tdesign-miniprogram', 'icon', 'icon.wxss');

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(full, out);
    else if (/\.(js|wxml|wxs|json)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Icon names that occur as quoted strings or attribute values anywhere in the built mini-program. */
export function usedIconNames(outDir: string, available: Set<string>): string[] {
  const used = new Set<string>();
  for (const file of filesUnder(outDir)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/["'`]([a-z0-9]+(?:-[a-z0-9]+)*)["'`]/g))
      if (available.has(m[1])) used.add(m[1]);
  }
  return [...used].sort();
}

/** Rewrites the built t-icon style to local SVG masks; answers the icon names shipped. */
export function localizeIcons(outDir: string): string[] {
  const wxssFile = path.join(outDir, ICON_WXSS);
  if (!fs.existsSync(wxssFile)) return [];
  const available = new Set(
    fs
      .readdirSync(SVG_DIR)
      .filter((f) => f.endsWith('.svg'))
      .map((f) => f.slice(0, -4)),
  );
  const names = usedIconNames(outDir, available);
  const original = fs.readFileSync(wxssFile, 'utf8');
  const kept = original
    .replace(/@font-face\{[^}]*\}/g, '')
    .replace(/\.t-icon\{font-family:t!important;\}/g, '')
    .replace(/\.t-icon-[a-z0-9-]+:before\{content:[^}]*\}/g, '');
  const rules = names.map((name) => {
    // The package writes React's view-box; an SVG image needs viewBox.
    const svg = fs
      .readFileSync(path.join(SVG_DIR, `${name}.svg`), 'utf8')
      .replace(/\sview-box=/g, ' viewBox=')
      .replace(/\sclass="[^"]*"/, '');
    // Percent-encoded, not base64: base64 can spell "4rpx", which WXSS compilers rewrite as a unit.
    const data = encodeURIComponent(svg).replace(/[()']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    if (/\d\s*rpx/i.test(data)) throw new Error(`icon ${name}: its data would be read as an rpx length`);
    return `.t-icon-${name}{--t-icon-svg:url("data:image/svg+xml,${data}");}`;
  });
  const mask =
    '.t-icon-base{width:1em;height:1em;}.t-icon-base:before{content:"";display:block;width:1em;height:1em;background-color:currentColor;-webkit-mask:var(--t-icon-svg) center/contain no-repeat;mask:var(--t-icon-svg) center/contain no-repeat;}';
  fs.writeFileSync(wxssFile, `${kept}\n${mask}\n${rules.join('\n')}\n`);
  return names;
}
