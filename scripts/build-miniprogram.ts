/**
 * Compiles miniprogram/ into dist/miniprogram as WeChat DevTools would: TypeScript transpiled per file
 * to CommonJS, templates and styles copied, and npm components placed in miniprogram_npm. Only the
 * component files the app actually references are copied, which is also what upload keeps with
 * `ignoreUploadUnusedFiles`, so the size report matches what counts against the 2 MB limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

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
  const source = fs.readFileSync(file, 'utf8');
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
  const pkg = JSON.parse(fs.readFileSync(path.join(MP_SRC, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

function npmDistDir(name: string): string {
  const pkgDir = path.join(ROOT, 'node_modules', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { miniprogram?: string };
  return path.join(pkgDir, pkg.miniprogram ?? 'miniprogram_dist');
}

/** References from one mini-program file to others: requires, components, imports, wxs. */
function referencesOf(file: string): string[] {
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
  if (ext === '.js' || ext === '.wxs') {
    for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1], ['.js', '.wxs']);
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
    queue.push(...referencesOf(file));
  }
  for (const file of seen) {
    const target = path.join(outNpm, name, path.relative(distDir, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
}

function usingComponentSpecs(jsonFiles: string[]): string[] {
  const specs = new Set<string>();
  for (const file of jsonFiles) {
    const using = (JSON.parse(fs.readFileSync(file, 'utf8')) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    for (const spec of Object.values(using)) if (!spec.startsWith('.') && !spec.startsWith('/')) specs.add(spec);
  }
  return [...specs];
}

/** For DevTools opening miniprogram/ directly: the whole component library, as "构建 npm" produces. */
function syncSourceNpm(deps: string[]): void {
  for (const name of deps) {
    const target = path.join(MP_SRC, 'miniprogram_npm', name);
    const marker = path.join(target, '.version');
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
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
  const deps = miniprogramDependencies();
  const specs = usingComponentSpecs(files.filter((f) => f.endsWith('.json')));
  for (const name of deps) {
    copyNpmClosure(name, specs.filter((s) => s.startsWith(`${name}/`)), path.join(MP_OUT, 'miniprogram_npm'));
  }
  syncSourceNpm(deps);

  const app = JSON.parse(fs.readFileSync(path.join(MP_SRC, 'app.json'), 'utf8')) as AppJson;
  const subRoots = (app.subpackages ?? app.subPackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const packages: PackageSize[] = [
    { root: 'main', bytes: dirSize(MP_OUT, subRoots.map((r) => path.join(MP_OUT, r))), limit: MAIN_LIMIT },
    ...subRoots.map((root) => ({ root, bytes: dirSize(path.join(MP_OUT, root)), limit: SUB_LIMIT })),
  ];
  return { packages, totalBytes: packages.reduce((s, p) => s + p.bytes, 0), totalLimit: TOTAL_LIMIT };
}
