import { describe, expect, it } from 'vitest';
import { codeFromInput, compactCode, groupedCode, serialOf } from '../src/lib/tags.js';
import { buildExif, insertExif } from '../src/lib/exif.js';

describe('tag codes', () => {
  it('reads the code from the upper-case URL in the QR, a redirect, or typing', () => {
    expect(codeFromInput('HTTPS://SAFEGRID.EXAMPLE.CN/S/A000C-1S446-C88C2')).toBe('A000C-1S446-C88C2');
    expect(codeFromInput('https://x.cn/s/A000C-1S446-C88C2/')).toBe('A000C-1S446-C88C2');
    expect(codeFromInput('https://x.cn/?tag=A000C-1S446-C88C2')).toBe('A000C-1S446-C88C2');
    expect(codeFromInput(' a000c 1s446 c88c2 ')).toBe('a000c 1s446 c88c2');
  });

  it('forgives case, dashes, full-width characters and look-alikes, as the server does', () => {
    expect(compactCode('a000c-1s446-c88c2')).toBe('A000C1S446C88C2');
    expect(compactCode('ＡＯＯＯＣ－１Ｓ４４６－Ｃ８８Ｃ２')).toBe('A000C1S446C88C2');
    expect(compactCode('A000C-IS446-C88C2')).toBe('A000C1S446C88C2');
    expect(compactCode('A000C-1S446-C88C')).toBeNull();
    expect(compactCode('A000C-1S446-C88CU')).toBeNull(); // U is not in Crockford base32
    expect(groupedCode('A000C1S446C88C2')).toBe('A000C-1S446-C88C2');
    expect(serialOf('A000C1S446C88C2')).toBe(12345);
  });
});

describe('photo EXIF', () => {
  it('puts an APP1 block with the capture time and GPS after the JFIF header', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46, 0xff, 0xd9]);
    const app1 = buildExif({ takenAt: new Date(2026, 10, 29, 11, 2, 3), position: { latitude: 30.5805, longitude: 114.289, accuracy_m: 12 } });
    const out = insertExif(jpeg, app1);
    expect([...out.subarray(0, 6)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04]);
    expect([...out.subarray(8, 10)]).toEqual([0xff, 0xe1]);
    const text = new TextDecoder('latin1').decode(out);
    expect(text).toContain('Exif\0\0II*\0');
    expect(text).toContain('2026:11:29 11:02:03\0');
    expect(text).toContain('N\0');
    expect(text).toContain('E\0');
    expect(out.length).toBe(jpeg.length + app1.length);
    expect(((app1[2] << 8) | app1[3]) + 2).toBe(app1.length);
  });
});
