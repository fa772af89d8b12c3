/**
 * @module What a file is, read from its bytes (SPEC W3): the images and documents Papo accepts, or null.
 * The sender's file name and the browser's Content-Type never decide. Pure; no I/O.
 *
 * Containers are opened just far enough to tell their kinds apart: OLE2 compound files (DOC, XLS, PPT) by
 * the streams under their root storage, ZIP files (DOCX, XLSX, PPTX) by their entry names. Text must be
 * valid UTF-8 without control characters, and never markup (SVG, HTML, XML) that a browser could run.
 */

export interface FileType {
  /** The Content-Type the file is served with. */
  mime: string;
  /** Images may be shown inline; documents are downloads. */
  kind: 'image' | 'document';
  /**
   * File name extensions of this type, lower-case, the usual one first: a file is served under one of them
   * whatever the sender named it (issue 11 F9), since the saving system opens it by its extension.
   */
  extensions: readonly string[];
}

const image = (mime: string, ...extensions: string[]): FileType => ({ mime, kind: 'image', extensions });
const document = (mime: string, ...extensions: string[]): FileType => ({ mime, kind: 'document', extensions });

export const TYPES = {
  jpg: image('image/jpeg', 'jpg', 'jpeg', 'jpe'),
  png: image('image/png', 'png'),
  gif: image('image/gif', 'gif'),
  webp: image('image/webp', 'webp'),
  bmp: image('image/bmp', 'bmp', 'dib'),
  tiff: image('image/tiff', 'tif', 'tiff'),
  heic: image('image/heic', 'heic'),
  heicSequence: image('image/heic-sequence', 'heics', 'heic'),
  heif: image('image/heif', 'heif', 'heic'),
  heifSequence: image('image/heif-sequence', 'heifs', 'heif'),
  pdf: document('application/pdf', 'pdf'),
  doc: document('application/msword', 'doc'),
  xls: document('application/vnd.ms-excel', 'xls'),
  ppt: document('application/vnd.ms-powerpoint', 'ppt', 'pps'),
  docx: document('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'),
  xlsx: document('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'),
  pptx: document('application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx', 'ppsx'),
  rtf: document('application/rtf', 'rtf'),
  // Text that other programs would run or render (.js, .hta, .html, .svg, .bat) or calculate (.csv
  // formulas in a spreadsheet) is renamed .txt; these open as plain text everywhere.
  txt: document('text/plain; charset=utf-8', 'txt', 'text', 'log', 'md'),
} as const satisfies Record<string, FileType>;

/** The type a stored file was served as, by its Content-Type (null for one this server no longer makes). */
export function typeOfMime(mime: string): FileType | null {
  return Object.values(TYPES).find((t) => t.mime === mime) ?? null;
}

/** Raster images a browser shows by itself: served `inline` (TIFF and HEIF are offered as downloads). */
export const INLINE_MIMES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp']);

/**
 * The type of a whole file, or null when Papo does not accept it.
 *
 * @example detectFileType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...])) // TYPES.png
 */
export function detectFileType(bytes: Uint8Array): FileType | null {
  if (bytes.length === 0) return null;
  const b = bytes;
  if (starts(b, [0xff, 0xd8, 0xff])) return TYPES.jpg;
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return TYPES.png;
  if (startsAscii(b, 'GIF87a') || startsAscii(b, 'GIF89a')) return TYPES.gif;
  if (startsAscii(b, 'RIFF') && ascii(b, 8, 4) === 'WEBP' && /^VP8[ LX]$/.test(ascii(b, 12, 4))) return TYPES.webp;
  if (isBmp(b)) return TYPES.bmp;
  if (starts(b, [0x49, 0x49, 0x2a, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2a])) return b.length >= 8 ? TYPES.tiff : null;
  // BigTIFF (version 43): the same readers open it.
  if (starts(b, [0x49, 0x49, 0x2b, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2b])) return b.length >= 16 ? TYPES.tiff : null;
  const heif = heifType(b);
  if (heif) return heif;
  if (startsAscii(b, '%PDF-')) return TYPES.pdf;
  if (starts(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleType(b);
  if (starts(b, [0x50, 0x4b, 0x03, 0x04])) return ooxmlType(b);
  if (startsAscii(b, '{\\rtf')) return TYPES.rtf;
  return isPlainText(b) ? TYPES.txt : null;
}

// ---------------------------------------------------------------------------------------------------------
// Byte helpers

function starts(b: Uint8Array, prefix: readonly number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

function ascii(b: Uint8Array, at: number, length: number): string {
  if (at < 0 || at + length > b.length) return '';
  let s = '';
  for (let i = at; i < at + length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

const startsAscii = (b: Uint8Array, text: string) => ascii(b, 0, text.length) === text;

/** Little-endian unsigned reads; -1 past the end (callers treat it as "broken"). */
function u16(b: Uint8Array, at: number): number {
  return at < 0 || at + 2 > b.length ? -1 : b[at]! | (b[at + 1]! << 8);
}
function u32(b: Uint8Array, at: number): number {
  return at < 0 || at + 4 > b.length ? -1 : (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}
function u32be(b: Uint8Array, at: number): number {
  return at < 0 || at + 4 > b.length ? -1 : b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

// ---------------------------------------------------------------------------------------------------------
// Images

/** "BM" alone is two common letters: the DIB header's size must also be one of the defined ones. */
function isBmp(b: Uint8Array): boolean {
  if (!startsAscii(b, 'BM') || b.length < 26) return false;
  return [12, 16, 40, 52, 56, 64, 108, 124].includes(u32(b, 14));
}

/** HEIF/HEIC: an ISO-BMFF `ftyp` box whose major brand is one of HEIF's (an MP4's `isom` is not). */
const HEIF_BRANDS: Record<string, FileType> = {
  heic: TYPES.heic,
  heix: TYPES.heic,
  heim: TYPES.heic,
  heis: TYPES.heic,
  hevc: TYPES.heicSequence,
  hevx: TYPES.heicSequence,
  hevm: TYPES.heicSequence,
  hevs: TYPES.heicSequence,
  mif1: TYPES.heif,
  msf1: TYPES.heifSequence,
};

function heifType(b: Uint8Array): FileType | null {
  if (ascii(b, 4, 4) !== 'ftyp') return null;
  const size = u32be(b, 0);
  if (size < 16 || size > b.length) return null;
  return HEIF_BRANDS[ascii(b, 8, 4)] ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// OLE2 compound files (DOC, XLS, PPT)

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;
/** More sectors than this in a chain is a loop or a lie. */
const MAX_CHAIN = 1 << 20;

/** Which Office format a compound file holds, by the streams directly under its root storage. */
function oleType(b: Uint8Array): FileType | null {
  const names = oleRootStreams(b);
  if (!names) return null;
  if (names.has('WordDocument')) return TYPES.doc;
  if (names.has('Workbook') || names.has('Book')) return TYPES.xls;
  if (names.has('PowerPoint Document')) return TYPES.ppt;
  return null;
}

/** The stream names under the root storage, or null when the header, the FAT or the directory is broken. */
function oleRootStreams(b: Uint8Array): Set<string> | null {
  if (b.length < 512 || u16(b, 0x1c) !== 0xfffe) return null;
  const shift = u16(b, 0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const sectorAt = (n: number) => (n + 1) * sectorSize;
  // The header fills sector -1; a short last sector still counts (reads past the end fail on their own).
  const sectorCount = Math.ceil((b.length - sectorSize) / sectorSize);

  // The FAT's own sectors: 109 listed in the header, the rest in the DIFAT chain.
  const fatSectors: number[] = [];
  const fatCount = u32(b, 0x2c);
  if (fatCount <= 0 || fatCount > sectorCount) return null;
  for (let i = 0; i < 109 && fatSectors.length < fatCount; i++) fatSectors.push(u32(b, 0x4c + i * 4));
  let difat = u32(b, 0x44);
  for (let hops = 0; fatSectors.length < fatCount && difat !== END_OF_CHAIN && difat !== FREE; hops++) {
    if (hops > sectorCount || difat >= sectorCount) return null;
    const at = sectorAt(difat);
    const perSector = sectorSize / 4 - 1;
    for (let i = 0; i < perSector && fatSectors.length < fatCount; i++) fatSectors.push(u32(b, at + i * 4));
    difat = u32(b, at + perSector * 4);
  }
  if (fatSectors.length < fatCount || fatSectors.some((s) => s < 0 || s >= sectorCount)) return null;
  const next = (sector: number): number => {
    const perSector = sectorSize / 4;
    const fat = fatSectors[Math.floor(sector / perSector)];
    return fat === undefined ? -1 : u32(b, sectorAt(fat) + (sector % perSector) * 4);
  };

  // The directory: 128-byte entries along the chain that starts at the header's first directory sector.
  const entries: Array<{ name: string; type: number; left: number; right: number; child: number }> = [];
  const seen = new Set<number>();
  for (let sector = u32(b, 0x30); sector !== END_OF_CHAIN; sector = next(sector)) {
    if (sector < 0 || sector >= sectorCount || seen.has(sector) || seen.size > MAX_CHAIN) return null;
    seen.add(sector);
    const at = sectorAt(sector);
    for (let e = at; e + 128 <= at + sectorSize; e += 128) {
      const nameBytes = u16(b, e + 64);
      let name = '';
      for (let i = 0; i + 2 < nameBytes && i < 62; i += 2) name += String.fromCharCode(u16(b, e + i));
      entries.push({ name, type: b[e + 66] ?? 0, left: u32(b, e + 68), right: u32(b, e + 72), child: u32(b, e + 76) });
    }
  }
  const root = entries[0];
  if (!root || root.type !== 5) return null;

  // The root's children are a red-black tree linked through left and right siblings.
  const names = new Set<string>();
  const stack = [root.child];
  const visited = new Set<number>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === FREE || id < 0 || id >= entries.length || visited.has(id)) continue;
    visited.add(id);
    const entry = entries[id]!;
    if (entry.type === 2) names.add(entry.name);
    stack.push(entry.left, entry.right);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------
// ZIP (DOCX, XLSX, PPTX)

/** An Office Open XML package: `[Content_Types].xml` and the part folder of its application. */
function ooxmlType(b: Uint8Array): FileType | null {
  const names = zipNames(b);
  if (!names.includes('[Content_Types].xml')) return null;
  if (names.some((n) => n.startsWith('word/'))) return TYPES.docx;
  if (names.some((n) => n.startsWith('xl/'))) return TYPES.xlsx;
  if (names.some((n) => n.startsWith('ppt/'))) return TYPES.pptx;
  return null;
}

/** Entry names from the central directory; from the local headers when it cannot be read (ZIP64, cut). */
function zipNames(b: Uint8Array): string[] {
  return centralDirectoryNames(b) ?? localHeaderNames(b);
}

function centralDirectoryNames(b: Uint8Array): string[] | null {
  // The end record is the last 22 bytes, or earlier by up to a 65,535-byte comment.
  let end = -1;
  for (let at = b.length - 22; at >= 0 && at >= b.length - 22 - 65_535; at--) {
    if (b[at] === 0x50 && b[at + 1] === 0x4b && b[at + 2] === 0x05 && b[at + 3] === 0x06) {
      end = at;
      break;
    }
  }
  if (end === -1) return null;
  const count = u16(b, end + 10);
  const offset = u32(b, end + 16);
  if (count === 0xffff || offset === 0xffffffff || offset >= end) return null;
  const names: string[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (u32(b, at) !== 0x02014b50) return null;
    const nameLength = u16(b, at + 28);
    const extra = u16(b, at + 30);
    const comment = u16(b, at + 32);
    if (at + 46 + nameLength > b.length) return null;
    names.push(utf8Name(b, at + 46, nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

function localHeaderNames(b: Uint8Array): string[] {
  const names: string[] = [];
  let at = 0;
  while (u32(b, at) === 0x04034b50 && names.length < 10_000) {
    const flags = u16(b, at + 6);
    const size = u32(b, at + 18);
    const nameLength = u16(b, at + 26);
    const extra = u16(b, at + 28);
    if (at + 30 + nameLength > b.length) break;
    names.push(utf8Name(b, at + 30, nameLength));
    const data = at + 30 + nameLength + extra;
    // With a data descriptor (bit 3) the size comes after the data: the next entry is found by its signature.
    at = (flags & 0x08) !== 0 || size === 0xffffffff ? nextLocalHeader(b, data) : data + size;
  }
  return names;
}

function nextLocalHeader(b: Uint8Array, from: number): number {
  for (let at = from; at + 4 <= b.length; at++) {
    if (b[at] === 0x50 && b[at + 1] === 0x4b && b[at + 2] === 0x03 && b[at + 3] === 0x04) return at;
  }
  return b.length;
}

function utf8Name(b: Uint8Array, at: number, length: number): string {
  return new TextDecoder('utf-8').decode(b.subarray(at, at + length));
}

// ---------------------------------------------------------------------------------------------------------
// Text

/**
 * Valid UTF-8 with no NUL and no control characters but tab, LF, FF and CR, that does not open like markup
 * (`<svg`, `<html`, `<!doctype`, `<?xml`, `<script`, any `<tag`): a browser could render that as a page.
 */
export function isPlainText(b: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return false;
  }
  // C0 controls other than \t \n \f \r, DEL, and the C1 controls.
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/.test(text)) return false;
  return !/^[\s\ufeff]*<[a-zA-Z!?/]/.test(text);
}
