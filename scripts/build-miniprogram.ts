/**
 * Compiles miniprogram/ into dist/miniprogram as WeChat DevTools would: TypeScript transpiled per file
 * to CommonJS, templates and styles copied, and npm components placed in miniprogram_npm. Only the
 * component files the app actually references are copied, which is also what upload keeps with
 * `ignoreUploadUnusedFiles`, so the size report matches what counts against the 2 MB limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { localizeIcons } from './mp-icons';

const ROOT = path.resolve(__dirname, '..');
export const MP_SRC = path.join(ROOT, 'miniprogram');
export const MP_OUT = path.join(ROOT, 'dist', 'miniprogram');
const COPY_EXT = new Set(['.wxml', '.wxss', '.json', '.wxs', '.png', '.jpg', '.svg']);
const MAIN_LIMIT = 2 * 1024 * 1024;
const SUB_LIMIT = 2 * 1024 * 1024;
const TOTAL_LIMIT = 20 * 1024 * 1024;

export interface PackageSize {
  root: string;
  bytes: number;
  limit: number;
}

export interface MiniprogramBuild {
  packages: PackageSize[];
  totalBytes: number;
  totalLimit: number;
}

interface AppJson {
  pages: string[];
  subpackages?: Array<{ root: string; pages: string[] }>;
  subPackages?: Array<{ root: string; pages: string[] }>;
  usingComponents?: Record<string, string>;
  tabBar?: { list: Array<{ iconPath?: string; selectedIconPath?: string }> };
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'miniprogram_npm' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

function transpile(file: string): string {
  return transpileSource(fs.readFileSync(file, 'utf8'), file);
}

function transpileSource(source: string, file: string): string {
  const result = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2018,
      esModuleInterop: true,
      importsNotUsedAsValues: undefined,
      verbatimModuleSyntax: false,
      isolatedModules: true,
    },
  });
  return result.outputText;
}

/** The mini-program's npm dependencies, as DevTools' "构建 npm" reads them. */
function miniprogramDependencies(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(MP_SRC, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {});
}

function npmDistDir(name: string): string {
  const pkgDir = path.join(ROOT, 'node_modules', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { miniprogram?: string };
  return path.join(pkgDir, pkg.miniprogram ?? 'miniprogram_dist');
}

/** The module specifiers a mini-program script loads: CommonJS `require` and ES `import` / `export … from`. */
export function scriptSpecifiers(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  for (const m of text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']/g))
    specs.push(m[1]);
  return specs;
}

/**
 * Resolves a script specifier as WeChat does: relative to the file, or a bare package name looked up
 * in `miniprogram_npm` folders from the file's folder upwards (TDesign ships its own tslib there).
 */
export function resolveScript(fromFile: string, spec: string, root: string): string | undefined {
  const candidates = (base: string) => [base, `${base}.js`, path.join(base, 'index.js')];
  const existing = (base: string) => candidates(base).find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (spec.startsWith('.') || spec.startsWith('/'))
    return existing(spec.startsWith('/') ? path.join(root, spec) : path.resolve(path.dirname(fromFile), spec));
  for (let dir = path.dirname(fromFile); dir.startsWith(root); dir = path.dirname(dir)) {
    const hit = existing(path.join(dir, 'miniprogram_npm', spec));
    if (hit) return hit;
    if (dir === root) break;
  }
  return undefined;
}

/**
 * Resolves a `usingComponents` entry as WeChat does: relative or root-absolute paths, or a package
 * path looked up in `miniprogram_npm` from the component's folder upwards. Answers the path without
 * an extension (the component is its .json/.js/.wxml/.wxss), or undefined when WeChat would fail.
 */
export function resolveComponent(fromJson: string, spec: string, root: string): string | undefined {
  const isComponent = (base: string) => fs.existsSync(`${base}.json`) && fs.existsSync(`${base}.js`);
  if (spec.startsWith('plugin://')) return undefined;
  if (spec.startsWith('/')) return isComponent(path.join(root, spec)) ? path.join(root, spec) : undefined;
  const relative = path.resolve(path.dirname(fromJson), spec);
  if (isComponent(relative)) return relative;
  if (spec.startsWith('.')) return undefined;
  for (let dir = path.dirname(fromJson); dir.startsWith(root); dir = path.dirname(dir)) {
    for (const base of [path.join(dir, 'miniprogram_npm', spec), path.join(dir, 'miniprogram_npm', spec, 'index')])
      if (isComponent(base)) return base;
    if (dir === root) break;
  }
  return undefined;
}

/** References from one mini-program file to others: requires and imports, components, wxml imports, wxs, wxss. */
function referencesOf(file: string, root: string): string[] {
  const ext = path.extname(file);
  const text = fs.readFileSync(file, 'utf8');
  const refs: string[] = [];
  const dir = path.dirname(file);
  const add = (spec: string, exts: string[]) => {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return;
    const base = path.resolve(dir, spec);
    for (const candidate of [base, ...exts.map((e) => base + e), path.join(base, 'index.js')]) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) refs.push(candidate);
    }
  };
  if (ext === '.js') {
    for (const spec of scriptSpecifiers(text)) {
      const hit = resolveScript(file, spec, root);
      if (hit) refs.push(hit);
    }
  } else if (ext === '.wxs') {
    for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1], ['.wxs']);
  } else if (ext === '.json') {
    const using = (JSON.parse(text) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    for (const spec of Object.values(using)) for (const e of ['.js', '.json', '.wxml', '.wxss']) add(spec + e, []);
  } else if (ext === '.wxml') {
    for (const m of text.matchAll(/<(?:wxs|import|include)[^>]*\ssrc=["']([^"']+)["']/g)) add(m[1], ['.wxml', '.wxs']);
  } else if (ext === '.wxss') {
    for (const m of text.matchAll(/@import\s+["']([^"']+)["']/g)) add(m[1], ['.wxss']);
  }
  return refs;
}

/**
 * ES modules become CommonJS, as DevTools' "将 JS 编译成 ES5" does before upload, and bare package
 * names become the relative path WeChat would resolve them to, so Node loads the same file in tests.
 */
function compileNpmScript(file: string, target: string, distDir: string, outDir: string): string {
  const source = fs.readFileSync(file, 'utf8');
  const esm = /(^|[;}\s])(import|export)[\s{*"']/.test(source);
  const code = esm
    ? transformSync(source, { format: 'cjs', target: 'es2018', loader: 'js', sourcefile: file }).code
    : source;
  return code.replace(/require\(\s*["']([^"'.][^"']*)["']\s*\)/g, (all, spec: string) => {
    const hit = resolveScript(file, spec, distDir);
    if (!hit) return all;
    const rel = path
      .relative(path.dirname(target), path.join(outDir, path.relative(distDir, hit)))
      .split(path.sep)
      .join('/');
    return `require("${rel.startsWith('.') ? rel : `./${rel}`}")`;
  });
}

/** Copies the closure of component files that `usingComponents` entries reach inside one npm package. */
function copyNpmClosure(name: string, specs: string[], outNpm: string): void {
  const distDir = npmDistDir(name);
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const spec of specs) {
    const base = path.join(distDir, spec.slice(name.length + 1));
    for (const e of ['.js', '.json', '.wxml', '.wxss']) if (fs.existsSync(base + e)) queue.push(base + e);
  }
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file) || !file.startsWith(distDir)) continue;
    seen.add(file);
    queue.push(...referencesOf(file, distDir));
  }
  const outDir = path.join(outNpm, name);
  for (const file of seen) {
    const target = path.join(outDir, path.relative(distDir, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (file.endsWith('.js')) fs.writeFileSync(target, compileNpmScript(file, target, distDir, outDir));
    else fs.copyFileSync(file, target);
  }
}

/**
 * The app's own scripts may load npm modules by package path (TDesign's Toast and Dialog APIs): each
 * becomes the relative path WeChat resolves it to in miniprogram_npm, so Node loads the same file in
 * tests, and the module joins the copied closure. Answers the package paths used.
 */
function linkNpmScripts(deps: string[]): string[] {
  const used = new Set<string>();
  const npmRoot = path.join(MP_OUT, 'miniprogram_npm');
  for (const file of walk(MP_OUT).filter((f) => f.endsWith('.js'))) {
    const code = fs.readFileSync(file, 'utf8');
    const linked = code.replace(/require\(\s*["']([^"'.][^"']*)["']\s*\)/g, (all, spec: string) => {
      if (!deps.some((d) => spec.startsWith(`${d}/`))) return all;
      used.add(spec);
      const rel = path.relative(path.dirname(file), path.join(npmRoot, spec)).split(path.sep).join('/');
      return `require("${rel}")`;
    });
    if (linked !== code) fs.writeFileSync(file, linked);
  }
  return [...used];
}

function usingComponentSpecs(jsonFiles: string[]): string[] {
  const specs = new Set<string>();
  for (const file of jsonFiles) {
    const using =
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    for (const spec of Object.values(using)) if (!spec.startsWith('.') && !spec.startsWith('/')) specs.add(spec);
  }
  return [...specs];
}

/** For DevTools opening miniprogram/ directly: the whole component library, as "构建 npm" produces. */
function syncSourceNpm(deps: string[]): void {
  for (const name of deps) {
    const target = path.join(MP_SRC, 'miniprogram_npm', name);
    const marker = path.join(target, '.version');
    const version = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
    ).version;
    if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === version) continue;
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(npmDistDir(name), target, { recursive: true });
    fs.writeFileSync(marker, version);
  }
}

function dirSize(dir: string, exclude: string[] = []): number {
  let total = 0;
  for (const file of walkAll(dir)) {
    if (exclude.some((ex) => file.startsWith(ex + path.sep))) continue;
    total += fs.statSync(file).size;
  }
  return total;
}

function walkAll(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkAll(full, out);
    else out.push(full);
  }
  return out;
}

export const LABELS_FILE = path.join(MP_SRC, 'generated', 'labels.ts');

/** `npm run labels`: rewrites miniprogram/generated/labels.ts after typings/models.ts changed. */
export function writeLabels(): void {
  fs.mkdirSync(path.dirname(LABELS_FILE), { recursive: true });
  fs.writeFileSync(LABELS_FILE, labelsSource());
}

/**
 * The label tables of typings/models.ts (every exported `…_NAMES` table and the lists beside them) as
 * a mini-program module: the pages cannot import typings/ at run time, and re-typed tables drift.
 */
export function labelsSource(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(path.join(ROOT, 'typings', 'models.ts')) as Record<string, unknown>;
  const lines = [
    '// Generated by scripts/build-miniprogram.ts from typings/models.ts on every build. Do not edit:',
    '// change typings/models.ts and run `npm run labels`; tests/pages/labels.test.ts fails when this is stale.',
    "import type * as models from '../../typings/models';",
    '',
  ];
  for (const [name, value] of Object.entries(models).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof value !== 'object' || value === null) continue;
    lines.push(`export const ${name}: typeof models.${name} = ${JSON.stringify(value, null, 2)};`, '');
  }
  return lines.join('\n');
}

export async function buildMiniprogram(): Promise<MiniprogramBuild> {
  fs.rmSync(MP_OUT, { recursive: true, force: true });
  const files = walk(MP_SRC).filter((f) => !f.endsWith('.d.ts') && path.basename(f) !== 'tsconfig.json');
  for (const file of files) {
    const rel = path.relative(MP_SRC, file);
    const ext = path.extname(file);
    if (ext === '.ts') {
      const target = path.join(MP_OUT, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, transpile(file));
    } else if (COPY_EXT.has(ext) && rel !== 'package.json') {
      const target = path.join(MP_OUT, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
    }
  }
  // What runs is always generated from typings/ now; the committed copy serves DevTools and tsc.
  const labelsOut = path.join(MP_OUT, path.relative(MP_SRC, LABELS_FILE).replace(/\.ts$/, '.js'));
  fs.mkdirSync(path.dirname(labelsOut), { recursive: true });
  fs.writeFileSync(labelsOut, transpileSource(labelsSource(), LABELS_FILE));
  const deps = miniprogramDependencies();
  const scripts = linkNpmScripts(deps);
  const specs = [...usingComponentSpecs(files.filter((f) => f.endsWith('.json'))), ...scripts];
  for (const name of deps) {
    copyNpmClosure(
      name,
      specs.filter((s) => s.startsWith(`${name}/`)),
      path.join(MP_OUT, 'miniprogram_npm'),
    );
  }
  localizeIcons(MP_OUT);
  syncSourceNpm(deps);

  return packageSizes(MP_OUT);
}

/** The main package, each subpackage and the total of a built mini-program folder, against WeChat's limits. */
export function packageSizes(dir: string): MiniprogramBuild {
  const app = JSON.parse(fs.readFileSync(path.join(dir, 'app.json'), 'utf8')) as AppJson;
  const subRoots = (app.subpackages ?? app.subPackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const packages: PackageSize[] = [
    {
      root: 'main',
      bytes: dirSize(
        dir,
        subRoots.map((r) => path.join(dir, r)),
      ),
      limit: MAIN_LIMIT,
    },
    ...subRoots.map((root) => ({
      root,
      bytes: fs.existsSync(path.join(dir, root)) ? dirSize(path.join(dir, root)) : 0,
      limit: SUB_LIMIT,
    })),
  ];
  return { packages, totalBytes: packages.reduce((s, p) => s + p.bytes, 0), totalLimit: TOTAL_LIMIT };
}
