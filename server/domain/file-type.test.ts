import { describe, expect, it } from 'vitest';
import { detectFileType, INLINE_MIMES, TYPES, type FileType } from './file-type';
import * as f from './file-type.fixtures';

const text = (s: string) => new TextEncoder().encode(s);

describe('W3: detectFileType accepts the allowed types by their bytes', () => {
  it.each<[string, Uint8Array, FileType]>([
    ['JPG (JFIF)', f.JPG, TYPES.jpg],
    ['JPG (Exif)', f.bytes([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x18], 'Exif\0\0'), TYPES.jpg],
    ['PNG', f.PNG, TYPES.png],
    ['GIF89a', f.GIF, TYPES.gif],
    ['GIF87a', f.bytes('GIF87a', [1, 0, 1, 0, 0, 0, 0, 0x3b]), TYPES.gif],
    ['WEBP (lossless)', f.WEBP, TYPES.webp],
    ['WEBP (lossy)', f.bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ', [0x18, 0, 0, 0]), TYPES.webp],
    ['WEBP (extended)', f.bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8X', [0x0a, 0, 0, 0]), TYPES.webp],
    ['BMP', f.BMP, TYPES.bmp],
    ['BMP (V5 header)', f.bytes('BM', [0, 0, 0, 0, 0, 0, 0, 0, 0x8a, 0, 0, 0, 124, 0, 0, 0], new Array(20).fill(0)), TYPES.bmp],
    ['TIFF little-endian (II)', f.TIFF_LE, TYPES.tiff],
    ['TIFF big-endian (MM)', f.TIFF_BE, TYPES.tiff],
    ['BigTIFF', f.bytes('II', [0x2b, 0, 8, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0]), TYPES.tiff],
    ['HEIC (heic)', f.heif('heic'), TYPES.heic],
    ['HEIC (heix)', f.heif('heix'), TYPES.heic],
    ['HEIC sequence (hevc)', f.heif('hevc', ['msf1', 'hevc']), TYPES.heicSequence],
    ['HEIF (mif1)', f.heif('mif1', ['mif1', 'miaf']), TYPES.heif],
    ['HEIF sequence (msf1)', f.heif('msf1', ['msf1']), TYPES.heifSequence],
    ['PDF', f.PDF, TYPES.pdf],
    ['DOC (WordDocument stream)', f.DOC, TYPES.doc],
    ['XLS (Workbook stream)', f.XLS, TYPES.xls],
    ['XLS 5/95 (Book stream)', f.XLS_95, TYPES.xls],
    ['PPT (PowerPoint Document stream)', f.PPT, TYPES.ppt],
    ['DOCX', f.DOCX, TYPES.docx],
    ['XLSX', f.XLSX, TYPES.xlsx],
    ['PPTX', f.PPTX, TYPES.pptx],
    ['DOCX written with data descriptors, central directory cut', f.DOCX_STREAMED, TYPES.docx],
    ['XLSX without its central directory (local headers)', f.XLSX_NO_CENTRAL, TYPES.xlsx],
    ['RTF', f.RTF, TYPES.rtf],
    ['TXT (ASCII)', text('Olá, preciso de ajuda com o pedido 123.\r\n\tObrigado!\f'), TYPES.txt],
    ['TXT (emoji, accents, CJK)', text('Pedido enviado 🚚 — ação, ñ, 日本語'), TYPES.txt],
    ['TXT with a BOM', f.bytes([0xef, 0xbb, 0xbf], text('com BOM')), TYPES.txt],
    ['TXT that mentions a tag later', text('use <b> for bold'), TYPES.txt],
    ['TXT starting with a heart', text('<3 obrigado'), TYPES.txt],
    ['TXT of one space', text(' '), TYPES.txt],
    // A signature cut short that is plain text is only text: served as text/plain, never as the image.
    ['"BMW and Audi" (starts like a BMP) is text', text('BMW and Audi'), TYPES.txt],
    ['"GIF8" is text', text('GIF8'), TYPES.txt],
    ['"%PD" is text', text('%PD'), TYPES.txt],
  ])('%s', (_name, input, expected) => {
    expect(detectFileType(input)).toEqual(expected);
  });
});

describe('W3: the sender\'s name never decides (renamed files)', () => {
  // The detector never sees the name: these are the bytes of files named otherwise.
  it.each<[string, Uint8Array, FileType | null]>([
    ['a PNG named report.pdf is a PNG', f.PNG, TYPES.png],
    ['a PDF named photo.jpg is a PDF', f.PDF, TYPES.pdf],
    ['a DOCX named sheet.xlsx is a DOCX', f.DOCX, TYPES.docx],
    ['an EXE named photo.jpg is refused', f.EXE, null],
    ['an SVG named notes.txt is refused', text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), null],
    ['an HTML page named notes.txt is refused', text('<!DOCTYPE html><html><body>hi</body></html>'), null],
    ['an XML file named notes.txt is refused', text('<?xml version="1.0"?><svg/>'), null],
  ])('%s', (_name, input, expected) => {
    expect(detectFileType(input)).toEqual(expected);
  });
});

describe('W3: detectFileType refuses everything else', () => {
  it.each<[string, Uint8Array]>([
    ['an empty file', new Uint8Array()],
    ['an EXE', f.EXE],
    ['an ELF binary', f.bytes([0x7f], 'ELF', [2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['a shell script with a NUL', text('#!/bin/sh\nrm -rf /\0')],
    ['SVG', text('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['SVG after whitespace', text('\n\n   <svg/>')],
    ['SVG after a BOM', f.bytes([0xef, 0xbb, 0xbf], text('<svg/>'))],
    ['HTML', text('<html><script>alert(1)</script></html>')],
    ['HTML in capitals', text('<HTML><BODY>x</BODY></HTML>')],
    ['a doctype', text('<!doctype html>')],
    ['an XML declaration', text('<?xml version="1.0"?><x/>')],
    ['a script tag', text('  <script>alert(1)</script>')],
    ['an HTML comment first', text('<!-- hi --><b>x</b>')],
    ['text with a control character (ESC)', text('hello \u001b[31m red')],
    ['text with DEL', text('hello \u007f')],
    ['text with a C1 control', text('hello \u0085 next line')],
    ['invalid UTF-8', f.bytes('ol', [0xe1, 0x41])],
    ['UTF-16 text', f.bytes([0xff, 0xfe], [0x68, 0, 0x69, 0])],
    ['a plain ZIP with a word/ folder but no [Content_Types].xml', f.PLAIN_ZIP],
    ['an OpenDocument text (ZIP)', f.ODT],
    ['a JAR (ZIP)', f.JAR],
    ['an MSI installer (OLE2)', f.MSI],
    ['an OLE2 file whose Word stream is nested in a storage', f.OLE_NESTED_WORD],
    ['an MP4 video (ftyp isom)', f.heif('isom', ['isom', 'mp41'])],
    ['an AVIF image (ftyp avif)', f.heif('avif', ['mif1', 'avif'])],
    ['an MP3 (ID3)', f.bytes('ID3', [4, 0, 0, 0, 0, 0, 0])],
    ['a WAV (RIFF WAVE)', f.bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['gzip', f.bytes([0x1f, 0x8b, 0x08, 0x00], [0, 0, 0, 0, 0, 3])],
  ])('%s', (_name, input) => {
    expect(detectFileType(input)).toBeNull();
  });
});

describe('W3: truncated headers are refused, never misread', () => {
  it.each<[string, Uint8Array]>([
    ['two bytes of a JPG', f.JPG.subarray(0, 2)],
    ['half a PNG signature', f.PNG.subarray(0, 4)],
    ['a RIFF header cut before WEBP', f.WEBP.subarray(0, 10)],
    ['a BMP cut inside its header', f.BMP.subarray(0, 20)],
    ['a TIFF signature alone', f.TIFF_LE.subarray(0, 4)],
    ['an ftyp box cut short', f.heif('heic').subarray(0, 12)],
    ['an OLE2 signature alone', f.DOC.subarray(0, 8)],
    ['an OLE2 header without its sectors', f.DOC.subarray(0, 512)],
    ['an OLE2 file cut inside its directory', f.DOC.subarray(0, 1024 + 100)],
    ['a ZIP signature alone', f.DOCX.subarray(0, 4)],
    ['a ZIP cut inside its first name', f.DOCX.subarray(0, 36)],
  ])('%s', (_name, input) => {
    expect(detectFileType(input)).toBeNull();
  });
});

describe('W3: which types are shown inline', () => {
  it.each<[FileType, boolean]>([
    [TYPES.jpg, true],
    [TYPES.png, true],
    [TYPES.gif, true],
    [TYPES.webp, true],
    [TYPES.bmp, true],
    [TYPES.tiff, false],
    [TYPES.heic, false],
    [TYPES.heif, false],
    [TYPES.pdf, false],
    [TYPES.txt, false],
  ])('%j inline: %s', (type, inline) => {
    expect(INLINE_MIMES.has(type.mime)).toBe(inline);
  });
});
