import { describe, expect, it } from 'vitest';
import { FILE_STRINGS, fileProblem } from './strings';
import { checkFile, formatSize, readUploadAnswer } from './files';
import { ACCEPT } from './lazy';

describe('formatSize: sizes as people read them, in their language', () => {
  it.each([
    [0, 'pt-BR', '0 B'],
    [512, 'pt-BR', '512 B'],
    [1024, 'en', '1 KB'],
    [1536, 'pt-BR', '1,5 KB'],
    [1_258_291, 'pt-BR', '1,2 MB'],
    [1_258_291, 'en', '1.2 MB'],
    [1_258_291, 'es', '1,2 MB'],
    [10 * 1024 * 1024, 'pt-BR', '10 MB'],
    [3 * 1024 ** 3, 'en', '3 GB'],
    [-5, 'en', '0 B'],
  ] as const)('%d bytes in %s is %s', (bytes, locale, shown) => {
    expect(formatSize(bytes, locale)).toBe(shown);
  });
});

describe('checkFile: refused before any byte is sent (the server checks again)', () => {
  const on = { enabled: true, maxBytes: 1000 };
  it.each([
    [1000, on, null],
    [1, on, null],
    [1001, on, 'file_too_large'],
    [10, { enabled: false, maxBytes: 1000 }, 'uploads_off'],
    [10, undefined, 'uploads_off'],
  ] as const)('%d bytes with %j: %s', (size, uploads, code) => {
    expect(checkFile(size, uploads)).toBe(code);
  });
});

describe('ACCEPT: the picker offers the types SPEC W3 takes', () => {
  const accepted = ACCEPT.split(',');
  it.each(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff', 'image/heic', 'image/heif', '.heic', '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.txt', '.rtf'])(
    'offers %s',
    (type) => expect(accepted).toContain(type),
  );
  it.each(['.svg', 'image/svg+xml', '.html', 'text/html', '.exe', '.zip', 'image/*'])('does not offer %s', (type) => expect(accepted).not.toContain(type));
});

describe('readUploadAnswer: what POST /api/v1/files answered', () => {
  const attachment = { id: 'f1', name: 'foto.png', mime: 'image/png', size: 68, kind: 'image' };
  it('201 with an attachment is the attachment', () => {
    expect(readUploadAnswer(201, JSON.stringify({ attachment }))).toEqual({ ok: true, attachment });
  });
  it('a document stays a document', () => {
    const doc = { ...attachment, kind: 'document', mime: 'application/pdf' };
    expect(readUploadAnswer(201, JSON.stringify({ attachment: doc }))).toEqual({ ok: true, attachment: doc });
  });
  it.each([
    [415, { error: { code: 'file_type_refused', message: '…' } }, { ok: false, code: 'file_type_refused' }],
    [413, { error: { code: 'file_too_large', message: '…' } }, { ok: false, code: 'file_too_large' }],
    [403, { error: { code: 'uploads_off', message: '…' } }, { ok: false, code: 'uploads_off' }],
    [429, { error: { code: 'rate_limited', message: '…', retryAfterMs: 3000 } }, { ok: false, code: 'rate_limited', retryAfterMs: 3000 }],
    [201, { attachment: { id: 5 } }, { ok: false, code: 'internal' }],
    [500, { nothing: true }, { ok: false, code: 'internal' }],
  ])('%d %j is %j', (status, body, answer) => {
    expect(readUploadAnswer(status, JSON.stringify(body))).toEqual(answer);
  });
  it('a page that is not JSON (a proxy) is internal; no answer at all is network', () => {
    expect(readUploadAnswer(502, '<html>Bad gateway</html>')).toEqual({ ok: false, code: 'internal' });
    expect(readUploadAnswer(0, '')).toEqual({ ok: false, code: 'network' });
  });
});

describe('fileProblem: every refusal in the visitor language', () => {
  it.each([
    ['file_too_large', 'pt-BR', 'O arquivo passa do limite de 10 MB.'],
    ['file_too_large', 'en', 'The file is over the 10 MB limit.'],
    ['file_type_refused', 'es', FILE_STRINGS.es.refused],
    ['uploads_off', 'pt-BR', 'Este site não recebe arquivos.'],
    ['rate_limited', 'en', FILE_STRINGS.en.slow],
    ['conversation_not_found', 'pt-BR', FILE_STRINGS['pt-BR'].noChat],
    ['network', 'es', 'No se pudo enviar el archivo.'],
  ] as const)('%s in %s', (code, locale, text) => {
    expect(fileProblem(code, FILE_STRINGS[locale], formatSize(10 * 1024 * 1024, locale))).toBe(text);
  });
});
