import zlib from 'node:zlib';
import * as XLSX from 'xlsx';

/** Test files for the importer: written by SheetJS, by LibreOffice, and by hand where a file must be broken. */
export type Cell = string | number | { num: number };

/** An xlsx the way a careful admin fills the template: every cell text, unless { num } asks for a number. */
export function xlsxOf(rows: Cell[][], sheetName = '会员信息'): Buffer {
  const cells = rows.map((r) =>
    r.map((c) =>
      typeof c === 'object' ? { t: 'n', v: c.num } : typeof c === 'number' ? { t: 'n', v: c } : { t: 's', v: c },
    ),
  );
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(cells as unknown as string[][]), sheetName);
  // Shared strings and deflate, as Excel itself saves.
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true }) as Buffer;
}

/** An xlsx of several sheets, in order, each filled as `xlsxOf` fills one. */
export function workbookOf(sheets: Array<[string, Cell[][]]>): Buffer {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of sheets)
    XLSX.utils.book_append_sheet(book, XLSX.read(xlsxOf(rows, name)).Sheets[name], name);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true }) as Buffer;
}

/**
 * A minimal zip with one entry whose content is `size` zero bytes: a zip bomb at a high ratio.
 * `declared` is the size its directory claims (a lying zip says little); the real size by default.
 */
export function zipBomb(size: number, declared = size): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = Buffer.alloc(size);
  const deflated = zlib.deflateRawSync(data, { level: 9 });
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + deflated.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, deflated, central, name, end]);
}

/** The OLE container Office uses for a password-protected workbook (EncryptionInfo + EncryptedPackage). */
export function passwordProtected(): Buffer {
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
  XLSX.CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(4096, 7));
  return Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

export { convertWithLibreOffice } from '../../scripts/libreoffice';

/** A flat OpenDocument spreadsheet whose cells are all strings, as LibreOffice's own format; a `\n` starts a new line in the cell. */
export function flatOds(rows: string[][]): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = rows
    .map(
      (r) =>
        `<table:table-row>${r
          .map(
            (c) =>
              `<table:table-cell office:value-type="string">${c
                .split('\n')
                .map((line) => `<text:p>${esc(line)}</text:p>`)
                .join('')}</table:table-cell>`,
          )
          .join('')}</table:table-row>`,
    )
    .join('');
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>' +
      '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">' +
      `<office:body><office:spreadsheet><table:table table:name="会员信息">${body}</table:table></office:spreadsheet></office:body></office:document>`,
  );
}

/**
 * An xlsx assembled from its XML parts as other writers produce them (namespace prefixes, inline
 * strings, phonetic runs, hidden sheets): `sheets` are [name, sheet XML, hidden?], `strings` the
 * shared-string items' inner XML.
 */
export function xlsxFromParts(sheets: Array<[string, string, boolean?]>, strings: string[] = []): Buffer {
  const cfb = XLSX.CFB.utils.cfb_new();
  const add = (name: string, xml: string) =>
    XLSX.CFB.utils.cfb_add(cfb, name, Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${xml}`));
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  add(
    '[Content_Types].xml',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
  );
  add(
    '_rels/.rels',
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  add(
    'xl/workbook.xml',
    `<x:workbook xmlns:x="${main}" xmlns:r="${rel}"><x:sheets>${sheets.map(([name, , hidden], i) => `<x:sheet name="${name}" sheetId="${i + 1}"${hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`).join('')}</x:sheets></x:workbook>`,
  );
  add(
    'xl/_rels/workbook.xml.rels',
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${rel}/worksheet" Target="/xl/worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rIdS" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  sheets.forEach(([, xml], i) =>
    add(
      `xl/worksheets/sheet${i + 1}.xml`,
      `<x:worksheet xmlns:x="${main}"><x:sheetData>${xml}</x:sheetData></x:worksheet>`,
    ),
  );
  add(
    'xl/sharedStrings.xml',
    `<sst xmlns="${main}" count="${strings.length}">${strings.map((s) => `<si>${s}</si>`).join('')}</sst>`,
  );
  return Buffer.from(XLSX.CFB.write(cfb, { fileType: 'zip', type: 'buffer', compression: true }) as Buffer);
}
