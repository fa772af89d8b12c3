/**
 * @module Real file headers for the file-type tests (SPEC W3): tiny but well-formed images, and OLE2 compound
 * files and ZIP packages built the way Office writes them, so the detector is tested on real structure.
 */
import { deflateRawSync } from 'node:zlib';

export const bytes = (...parts: Array<number[] | string | Uint8Array>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [...p])));

/** A 1x1 PNG (signature, IHDR, IDAT, IEND) as browsers save it. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const JPG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
export const WEBP = bytes('RIFF', [0x1a, 0, 0, 0], 'WEBP', 'VP8L', [0x0d, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00]);
/** BITMAPINFOHEADER (40 bytes), 1x1, 24 bits. */
export const BMP = bytes('BM', [0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0], new Array(28).fill(0));
export const TIFF_LE = bytes('II', [0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
export const TIFF_BE = bytes('MM', [0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00]);
export const heif = (major: string, compatible = ['mif1', 'heic']) => {
  const size = 16 + compatible.length * 4;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], compatible.join(''), [0, 0, 0, 8], 'mdat');
};
export const PDF = bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
export const RTF = bytes('{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Ol\\\'e1 mundo}');
/** A Windows executable's first bytes. */
export const EXE = bytes('MZ', [0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00], 'This program cannot be run in DOS mode');

/**
 * An OLE2 compound file (version 3, 512-byte sectors) with these streams under the root storage, the way
 * Word, Excel and PowerPoint 97-2003 write theirs: header, one FAT sector, one directory sector, streams
 * empty (size 0). `nested` names streams inside a sub-storage, which must not count.
 */
export function ole(streams: string[], nested: string[] = []): Uint8Array {
  const SECTOR = 512;
  const header = new Uint8Array(512);
  const view = new DataView(header.buffer);
  header.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  view.setUint16(0x18, 0x3e, true);
  view.setUint16(0x1a, 3, true);
  view.setUint16(0x1c, 0xfffe, true);
  view.setUint16(0x1e, 9, true);
  view.setUint16(0x20, 6, true);
  view.setUint32(0x2c, 1, true); // one FAT sector
  view.setUint32(0x30, 1, true); // the directory starts at sector 1
  view.setUint32(0x38, 4096, true);
  view.setUint32(0x3c, 0xfffffffe, true);
  view.setUint32(0x44, 0xfffffffe, true);
  for (let i = 0; i < 109; i++) view.setUint32(0x4c + i * 4, i === 0 ? 0 : 0xffffffff, true);

  // Entries: root, the root's streams (a right-leaning chain of siblings), then a storage with its own.
  type E = { name: string; type: number; left: number; right: number; child: number };
  const entries: E[] = [{ name: 'Root Entry', type: 5, left: -1, right: -1, child: -1 }];
  const top: number[] = [];
  for (const name of streams) top.push(entries.push({ name, type: 2, left: -1, right: -1, child: -1 }) - 1);
  if (nested.length > 0) {
    const storage = entries.push({ name: 'ObjectPool', type: 1, left: -1, right: -1, child: -1 }) - 1;
    top.push(storage);
    const inner: number[] = [];
    for (const name of nested) inner.push(entries.push({ name, type: 2, left: -1, right: -1, child: -1 }) - 1);
    inner.forEach((id, i) => (entries[id]!.right = inner[i + 1] ?? -1));
    entries[storage]!.child = inner[0] ?? -1;
  }
  top.forEach((id, i) => (entries[id]!.right = top[i + 1] ?? -1));
  entries[0]!.child = top[0] ?? -1;
  const dirSectors = Math.max(1, Math.ceil(entries.length / 4));

  const fat = new Uint8Array(SECTOR);
  const fatView = new DataView(fat.buffer);
  for (let i = 0; i < 128; i++) fatView.setUint32(i * 4, 0xffffffff, true);
  fatView.setUint32(0, 0xfffffffd, true); // sector 0 is the FAT itself
  for (let s = 1; s <= dirSectors; s++) fatView.setUint32(s * 4, s === dirSectors ? 0xfffffffe : s + 1, true);

  const dir = new Uint8Array(SECTOR * dirSectors);
  const dirView = new DataView(dir.buffer);
  entries.forEach((e, i) => {
    const at = i * 128;
    for (let c = 0; c < e.name.length; c++) dirView.setUint16(at + c * 2, e.name.charCodeAt(c), true);
    dirView.setUint16(at + 64, (e.name.length + 1) * 2, true);
    dir[at + 66] = e.type;
    dir[at + 67] = 1; // black
    dirView.setUint32(at + 68, e.left >>> 0, true);
    dirView.setUint32(at + 72, e.right >>> 0, true);
    dirView.setUint32(at + 76, e.child >>> 0, true);
    dirView.setUint32(at + 116, 0xfffffffe, true);
  });
  for (let i = entries.length; i < dirSectors * 4; i++) {
    dirView.setUint32(i * 128 + 68, 0xffffffff, true);
    dirView.setUint32(i * 128 + 72, 0xffffffff, true);
    dirView.setUint32(i * 128 + 76, 0xffffffff, true);
  }
  return bytes(header, fat, dir);
}

/**
 * A ZIP archive (deflated entries, local headers, central directory, end record) as Office packages are
 * written. `descriptor` sets bit 3 with the sizes after the data, as streaming writers do.
 */
export function zip(files: Record<string, string>, options: { descriptor?: boolean; cutCentral?: boolean } = {}): Uint8Array {
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = deflateRawSync(Buffer.from(content, 'utf8'));
    const flags = options.descriptor ? 0x08 : 0;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(flags, 6);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(0, 14); // CRC not checked by the detector
    head.writeUInt32LE(options.descriptor ? 0 : data.length, 18);
    head.writeUInt32LE(options.descriptor ? 0 : content.length, 22);
    head.writeUInt16LE(nameBytes.length, 26);
    const descriptor = options.descriptor ? Buffer.alloc(16) : Buffer.alloc(0);
    if (options.descriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(data.length, 8);
      descriptor.writeUInt32LE(content.length, 12);
    }
    const entry = bytes(head, nameBytes, data, descriptor);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(content.length, 24);
    cd.writeUInt16LE(nameBytes.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(bytes(cd, nameBytes));
    local.push(entry);
    offset += entry.length;
  }
  const cdBytes = bytes(...central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return options.cutCentral ? bytes(...local) : bytes(...local, cdBytes, end);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>';

export const DOCX = zip({ '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': RELS, 'word/document.xml': '<w:document/>' });
export const XLSX = zip({ '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': RELS, 'xl/workbook.xml': '<workbook/>' });
export const PPTX = zip({ '[Content_Types].xml': CONTENT_TYPES, '_rels/.rels': RELS, 'ppt/presentation.xml': '<p:presentation/>' });
/** An OpenDocument text: a ZIP, but not a format Papo takes. */
export const ODT = zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office:document-content/>' });
export const PLAIN_ZIP = zip({ 'readme.txt': 'hello', 'word/notes.txt': 'not an office file' });
export const JAR = zip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n', 'Main.class': '\xca\xfe\xba\xbe' });
export const DOCX_STREAMED = zip({ '[Content_Types].xml': CONTENT_TYPES, 'word/document.xml': '<w:document/>' }, { descriptor: true, cutCentral: true });
export const XLSX_NO_CENTRAL = zip({ '[Content_Types].xml': CONTENT_TYPES, 'xl/workbook.xml': '<workbook/>' }, { cutCentral: true });

export const DOC = ole(['\u0001CompObj', 'WordDocument', '1Table', '\u0005SummaryInformation']);
export const XLS = ole(['\u0001CompObj', 'Workbook', '\u0005SummaryInformation']);
export const XLS_95 = ole(['Book']);
export const PPT = ole(['Current User', 'PowerPoint Document', 'Pictures']);
/** An installer package (MSI) is OLE2 too: none of the three. */
export const MSI = ole(['\u0005SummaryInformation', '!_StringPool', '!_StringData']);
/** A Word stream only inside an embedded storage: not a Word document. */
export const OLE_NESTED_WORD = ole(['\u0001CompObj'], ['WordDocument']);
