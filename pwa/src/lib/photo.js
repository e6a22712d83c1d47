/** Photos on the phone: resized to at most 1600 px before upload, stamped with time and place, hashed. */
import { buildExif, insertExif } from './exif.js';

export const MAX_SIDE = 1600;
export const QUALITY = 0.85;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));

/** SHA-256 of the bytes: hex, and the RFC 9530 Content-Digest field the server checks. */
export async function digest(bytes) {
  const hash = await crypto.subtle.digest('SHA-256', bytes);
  return { sha256: hex(hash), contentDigest: `sha-256=:${base64(hash)}:` };
}

async function encode(bitmap, width, height) {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
}

/**
 * The photo as it will be uploaded: a JPEG of at most MAX_SIDE px on the long side, upright, with
 * EXIF saying when (`takenAt`, the moment it was taken) and where (`position`) — not when it is sent.
 * A format the browser cannot decode (HEIC on some phones) goes as it is; the server decodes it.
 */
export async function preparePhoto(file, { takenAt = new Date(), position = null } = {}) {
  let bytes;
  let width = null;
  let height = null;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    width = Math.round(bitmap.width * scale);
    height = Math.round(bitmap.height * scale);
    const blob = await encode(bitmap, width, height);
    bitmap.close?.();
    bytes = insertExif(new Uint8Array(await blob.arrayBuffer()), buildExif({ takenAt, position }));
  } catch {
    bytes = new Uint8Array(await file.arrayBuffer());
  }
  return { bytes: bytes.buffer, width, height, type: width ? 'image/jpeg' : (file.type || 'application/octet-stream'),
    takenAt: takenAt.toISOString(), position, ...(await digest(bytes)) };
}
