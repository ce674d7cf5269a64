import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError } from '../app-error';
import { InflateBudget, streamEntry, type ZipEntry } from './file-guard';

/**
 * An .xlsx read as a stream: each entry is inflated piece by piece (under the file's inflate
 * budget) straight into a SAX parser, and each sheet row is handed on as soon as its `</row>` is
 * parsed. Nothing but the shared strings and the current row is held, so memory does not grow with
 * the sheet, and reading stops as soon as the caller has what it needs (a header search reads a few
 * rows of each sheet).
 */

/** A cell as the importer needs it: its text, and whether the file stored it as a number. */
export interface SheetCell {
  text: string;
  num: boolean;
}
export type SheetRow = Array<SheetCell | undefined>;
export type Pause = () => Promise<void> | undefined;

export interface SheetSource {
  name: string;
  /**
   * Visits rows in order with their 0-based index (empty rows may be skipped); `visit` returns false
   * to stop. `extent` hears the last row number the sheet declares (a hint: formatting alone can
   * stretch it), before any row. `pause` is asked after each batch of rows: a promise it returns
   * holds reading back until it settles, so a consumer slower than the parser bounds what is held.
   */
  rows(
    visit: (index: number, row: SheetRow) => boolean,
    extent?: (lastRow: number) => void,
    pause?: Pause,
  ): Promise<void>;
}

const BROKEN = '文件已损坏或不是有效的 .xlsx 文件，请用 Excel 打开确认后重新保存再导入';
const RELS_NS_WORKSHEET = /\/worksheet$/;
const RELS_NS_STRINGS = /\/sharedStrings$/;

/** Tag names without a namespace prefix: some writers save `<x:row>`. */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Column letters of a cell reference, 0-based: `AB12` → 27. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return col - 1;
}

/** A number cell's text as SheetJS gives it: integers in full, no exponent. */
function numberText(v: string): string {
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

interface Handlers {
  open?(tag: SaxesTagPlain): void;
  text?(text: string): void;
  close?(name: string): boolean | void;
}

/** Parses one entry with SAX as it inflates; a `close` handler returning false stops reading. */
async function parseEntry(
  buf: Buffer,
  entry: ZipEntry,
  budget: InflateBudget,
  h: Handlers,
  pause?: Pause,
): Promise<void> {
  // Positions (line, column) are only for error messages, which the admin never sees; tracking them costs per character.
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  const decoder = new TextDecoder('utf-8');
  let stopped = false;
  let failure: unknown;
  if (h.open) parser.on('opentag', h.open as (tag: SaxesTagPlain) => void);
  if (h.text) parser.on('text', h.text);
  parser.on('closetag', (tag) => {
    if (!stopped && h.close?.(local(tag.name)) === false) stopped = true;
  });
  parser.on('error', (err) => {
    failure ??= err;
  });
  await streamEntry(buf, entry, budget, (piece) => {
    parser.write(decoder.decode(piece, { stream: true }));
    if (failure) throw new AppError('INVALID_INPUT', BROKEN, 'file');
    const wait = stopped ? undefined : pause?.();
    return wait ? wait.then(() => !stopped) : !stopped;
  });
  if (!stopped) {
    parser.write(decoder.decode());
    parser.close();
    if (failure) throw new AppError('INVALID_INPUT', BROKEN, 'file');
  }
}

/** Strings per part of the shared strings table: a power of two, so a string's part is a shift away. */
const PART_SHIFT = 12;

/**
 * The shared strings table, packed as it is read: every 4096 strings are joined into one part
 * string, and each string's offset is kept in a typed array. A register's table is three strings
 * per row (name, ID, phone): held as 600,000 strings until the end and then joined, at 200,000 rows
 * they were the 校验's peak (about 30 MB of small strings promoted to the old generation, with the
 * joined copy beside them). Joined as they come, a few thousand wait at a time, and the parser's
 * slices they come as keep only the last few pieces of the XML alive.
 */
class SharedStrings {
  private readonly parts: string[] = [];
  private pending: string[] = [];
  /** Where string i starts, counted over the parts laid end to end; one more entry ends the last. */
  private starts = new Uint32Array(1024);
  private count = 0;

  add(text: string): void {
    if (this.count + 1 === this.starts.length) {
      const more = new Uint32Array(this.starts.length * 2);
      more.set(this.starts);
      this.starts = more;
    }
    this.starts[this.count + 1] = this.starts[this.count] + text.length;
    this.count += 1;
    this.pending.push(text);
    if (this.pending.length === 1 << PART_SHIFT) this.flush();
  }

  /** The last part joined, and the offsets cut to size. */
  done(): this {
    this.flush();
    this.starts = this.starts.slice(0, this.count + 1);
    return this;
  }

  private flush(): void {
    if (this.pending.length) this.parts.push(this.pending.join(''));
    this.pending = [];
  }

  at(i: number): string {
    if (!(i >= 0 && i < this.count)) return '';
    const part = i >>> PART_SHIFT;
    const base = this.starts[part << PART_SHIFT];
    return this.parts[part].slice(this.starts[i] - base, this.starts[i + 1] - base);
  }
}

const resolveTarget = (target: string) =>
  (target.startsWith('/') ? target.slice(1) : `xl/${target}`).replace(/[^/]+\/\.\.\//g, '');

/** The visible worksheets in workbook order, each a row stream over its part of the zip. */
export async function xlsxSheets(buf: Buffer, entries: ZipEntry[]): Promise<SheetSource[]> {
  const budget = new InflateBudget();
  const byName = new Map(entries.map((e) => [e.name, e]));
  const entry = (name: string) => byName.get(name);
  const rels = new Map<string, { type: string; target: string }>();
  const relsEntry = entry('xl/_rels/workbook.xml.rels');
  if (relsEntry) {
    await parseEntry(buf, relsEntry, budget, {
      open: (tag) => {
        if (local(tag.name) === 'Relationship')
          rels.set(tag.attributes.Id, {
            type: tag.attributes.Type ?? '',
            target: resolveTarget(tag.attributes.Target ?? ''),
          });
      },
    });
  }
  const sheets: Array<{ name: string; part: ZipEntry }> = [];
  await parseEntry(buf, entry('xl/workbook.xml') as ZipEntry, budget, {
    open: (tag) => {
      if (local(tag.name) !== 'sheet' || /hidden/i.test(tag.attributes.state ?? '')) return;
      const relId = Object.entries(tag.attributes).find(([k]) => local(k) === 'id')?.[1] ?? '';
      const rel = rels.get(relId);
      const part = rel && RELS_NS_WORKSHEET.test(rel.type) ? entry(rel.target) : undefined;
      if (part) sheets.push({ name: tag.attributes.name ?? '', part });
    },
  });

  const strings = new SharedStrings();
  const stringsPart = entry(
    [...rels.values()].find((r) => RELS_NS_STRINGS.test(r.type))?.target ?? 'xl/sharedStrings.xml',
  );
  if (stringsPart) {
    let current = '';
    let inText = false;
    let phonetic = 0;
    await parseEntry(buf, stringsPart, budget, {
      open: (tag) => {
        const name = local(tag.name);
        if (name === 'si') current = '';
        else if (name === 't') inText = phonetic === 0;
        else if (name === 'rPh') phonetic += 1;
      },
      text: (t) => {
        if (inText) current += t;
      },
      close: (name) => {
        if (name === 't') inText = false;
        else if (name === 'rPh') phonetic -= 1;
        else if (name === 'si') strings.add(current);
      },
    });
  }

  strings.done();
  return sheets.map(({ name, part }) => ({
    name,
    rows: (visit, extent, pause) => readSheet(buf, part, budget, strings, visit, extent, pause),
  }));
}

function readSheet(
  buf: Buffer,
  part: ZipEntry,
  budget: InflateBudget,
  strings: SharedStrings,
  visit: (index: number, row: SheetRow) => boolean,
  extent?: (lastRow: number) => void,
  pause?: Pause,
): Promise<void> {
  let index = -1;
  let row: SheetRow = [];
  let nextCol = 0;
  let col = 0;
  let type = 'n';
  let text = '';
  let capture = false;
  let inInline = false;
  let phonetic = 0;
  return parseEntry(
    buf,
    part,
    budget,
    {
      open: (tag) => {
        switch (local(tag.name)) {
          case 'dimension':
            extent?.(Number(/(\d+)$/.exec(tag.attributes.ref ?? '')?.[1] ?? 0));
            break;
          case 'row':
            index = tag.attributes.r ? Number(tag.attributes.r) - 1 : index + 1;
            row = [];
            nextCol = 0;
            break;
          case 'c':
            col = tag.attributes.r ? columnOf(tag.attributes.r) : nextCol;
            nextCol = col + 1;
            type = tag.attributes.t ?? 'n';
            text = '';
            break;
          case 'v':
            capture = true;
            break;
          case 'is':
            inInline = true;
            break;
          case 't':
            capture = inInline && phonetic === 0;
            break;
          case 'rPh':
            phonetic += 1;
            break;
        }
      },
      text: (t) => {
        if (capture) text += t;
      },
      close: (name) => {
        switch (name) {
          case 'v':
          case 't':
            capture = false;
            break;
          case 'is':
            inInline = false;
            break;
          case 'rPh':
            phonetic -= 1;
            break;
          case 'c':
            if (text !== '') row[col] = cellOf(type, text, strings);
            break;
          case 'row':
            return visit(index, row);
        }
        return true;
      },
    },
    pause,
  );
}

function cellOf(type: string, v: string, strings: SharedStrings): SheetCell {
  switch (type) {
    case 's':
      return { text: strings.at(Number(v)), num: false };
    case 'b':
      return { text: v === '1' ? 'TRUE' : 'FALSE', num: false };
    case 'n':
      return { text: numberText(v), num: true };
    default:
      // str (a formula's text result), inlineStr, e (an error such as #N/A), d (an ISO date)
      return { text: v, num: false };
  }
}
