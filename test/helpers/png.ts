const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG's size from its header: the signature, then the IHDR chunk first
 * (length 13, type "IHDR", width and height as big-endian 32-bit integers).
 * Throws for anything that is not a PNG.
 */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG');
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== 'IHDR') throw new Error('a PNG must start with its IHDR chunk');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
