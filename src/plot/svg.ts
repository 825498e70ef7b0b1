/**
 * Small SVG helpers shared by the plots, and PNG output through sharp.
 */
import sharp from 'sharp';
import { writeFileAtomic } from '../atomic-write.js';

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** A compact label for a number: up to 3 significant digits, exponent form for very large/small values. */
export function niceNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * Renders an SVG document to a PNG file through sharp, atomically (temporary file, then rename), creating
 * the directory if needed. Returns the image's width and height.
 */
export async function writePng(svg: string, path: string): Promise<{ width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(svg)).png().toBuffer({ resolveWithObject: true });
  writeFileAtomic(path, data);
  return { width: info.width, height: info.height };
}
