import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError } from '../app-error';
import type { SheetRow, SheetSource } from './xlsx-stream';

/**
 * A CSV read as a stream: the bytes are decoded piece by piece (UTF-8 with or without BOM, UTF-16
 * with a BOM, else GB18030, a superset of the GBK that Excel saves on Chinese Windows) into
 * csv-parse, and each record is handed on as it is parsed, with backpressure: the parser stops when
 * the caller has not taken its records. Memory holds the file's bytes (already downloaded) and a few
 * pieces, never the decoded text or the sheet.
 */

/** The name SheetJS gave a CSV's one sheet, which the notices show. */
export const CSV_SHEET_NAME = 'Sheet1';
const PIECE_BYTES = 64 * 1024;
/** A register row is well under 1 KB; a longer one is an unclosed quote swallowing the rows after it. */
const MAX_RECORD_BYTES = 64 * 1024;
const PAUSE_ROWS = 500;

type Encoding = 'utf-8' | 'utf-16le' | 'gb18030';

function refuse(message: string): never {
  throw new AppError('INVALID_INPUT', message, 'file');
}

/** The encoding and where the text starts after its BOM. Valid UTF-8 is UTF-8: GBK text almost never is. */
function sniffEncoding(buf: Buffer): { encoding: Encoding; start: number } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { encoding: 'utf-8', start: 3 };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { encoding: 'utf-16le', start: 2 };
  return { encoding: isUtf8(buf) ? 'utf-8' : 'gb18030', start: 0 };
}

const SEPARATORS = [',', '\t', ';', '|'];

/**
 * The separator SheetJS (and so the importer before it streamed) would pick: the one found most
 * often outside quotes in the first 1,024 characters, ties going to the earlier in `SEPARATORS`.
 */
function guessSeparator(head: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const c of head.slice(0, 1024)) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && SEPARATORS.includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  for (const sep of SEPARATORS) if ((counts.get(sep) ?? 0) > (counts.get(best) ?? 0)) best = sep;
  return best;
}

/** The text as UTF-8 pieces for csv-parse: UTF-8 as it is, anything else decoded piece by piece. */
function* utf8Pieces(buf: Buffer, encoding: Encoding, start: number): Generator<Buffer> {
  if (encoding === 'utf-8') {
    for (let at = start; at < buf.length; at += PIECE_BYTES) yield buf.subarray(at, at + PIECE_BYTES);
    return;
  }
  const decoder = new TextDecoder(encoding);
  for (let at = start; at < buf.length; at += PIECE_BYTES) {
    const text = decoder.decode(buf.subarray(at, at + PIECE_BYTES), { stream: true });
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, 'utf8');
}

/** Line breaks in the bytes: the most rows the file can have, as the sheet's declared extent. */
function lineCount(buf: Buffer): number {
  const lf = buf.includes(0x0a) ? 0x0a : 0x0d;
  let n = 0;
  for (let at = buf.indexOf(lf); at >= 0; at = buf.indexOf(lf, at + 1)) n += 1;
  return n + 1;
}

/** `="0440…"`: how other systems export an ID so that Excel keeps it text; Excel shows what is inside. */
const FORMULA_TEXT = /^="(.*)"$/s;
/** What Excel writes to CSV for a long number it stored as a number (an ID typed into a General cell). */
const EXPONENT = /^\d(\.\d+)?E\+\d+$/i;

function cellOf(text: string): SheetRow[number] {
  if (text === '') return undefined;
  const inner = FORMULA_TEXT.exec(text);
  if (inner) return { text: inner[1].replace(/""/g, '"'), num: false };
  return { text, num: EXPONENT.test(text) };
}

function refusal(err: CsvError): string {
  // Records already read, so the one that failed is the next.
  const row = Number((err as CsvError & { records?: number }).records ?? 0) + 1;
  if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE')
    return `CSV 文件第 ${row} 行的引号（"）没有配对，后面的行都被并进了这一行；请用记事本或 WPS 打开文件，补上或删掉第 ${row} 行多余的引号后重新保存，或另存为 .xlsx 后再导入`;
  return `CSV 文件第 ${row} 行无法读取，请用 WPS 或 Excel 打开文件检查这一行，或另存为 .xlsx 后再导入`;
}

/** A CSV file as the one sheet the importer reads. */
export function csvSheet(buf: Buffer): SheetSource {
  const { encoding, start: bomEnd } = sniffEncoding(buf);
  const head = new TextDecoder(encoding).decode(buf.subarray(bomEnd, bomEnd + 4096));
  // Excel's own first line `sep=;` names the separator and is not a row.
  const sepLine = /^sep=([\x21-\x7e])(\r\n|\r|\n)/.exec(head);
  const delimiter = sepLine ? sepLine[1] : guessSeparator(head);
  const start = bomEnd + (sepLine ? sepLine[0].length * (encoding === 'utf-16le' ? 2 : 1) : 0);
  return {
    name: CSV_SHEET_NAME,
    rows: async (visit, extent, pause) => {
      extent?.(lineCount(buf));
      const source = Readable.from(utf8Pieces(buf, encoding, start));
      const parser = parse({
        delimiter,
        // Rows may be shorter or longer than the header, and a stray quote inside a cell is kept as typed, as Excel does.
        relax_column_count: true,
        relax_quotes: true,
        max_record_size: MAX_RECORD_BYTES,
      });
      source.pipe(parser);
      let index = -1;
      try {
        for await (const record of parser as AsyncIterable<string[]>) {
          index += 1;
          if (!visit(index, record.map(cellOf))) return;
          if (index % PAUSE_ROWS === PAUSE_ROWS - 1) await pause?.();
        }
      } catch (err) {
        if (err instanceof CsvError) refuse(refusal(err));
        throw err;
      } finally {
        source.destroy();
        parser.destroy();
      }
    },
  };
}
