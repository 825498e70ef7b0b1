/**
 * Scatter plots of 2-D samples as SVG: one panel per sample set, side by side, on a shared range.
 */
import { ArgumentError, checkNumber } from '../errors.js';
import { escapeXml, niceNumber } from './svg.js';

/** One panel of {@link scatterSvg}. */
export interface ScatterPanel {
  /** Panel title (e.g. "target", "ODE (heun, 100)"). */
  title: string;
  /** Points as rows `[x, y]`, or a flat `[x0, y0, x1, y1, …]` array. */
  points: ArrayLike<number> | number[][];
  /** A caption under the title (e.g. "sliced W2 0.041"). */
  caption?: string;
}

/** Options of {@link scatterSvg}. */
export interface ScatterOptions {
  /** Side of one square panel in pixels. @default 320 */
  panelSize?: number;
  /** Panels per row. @default all in one row */
  columns?: number;
  /** Shared plotting range `[min, max]` for both axes; default: the 0.5%–99.5% quantile box of all points, padded. */
  range?: [number, number];
  /** Dot radius in pixels. @default 1.1 */
  radius?: number;
  /** Dot colour. @default '#1f5fa8' */
  color?: string;
}

function flatten(points: ScatterPanel['points']): Float64Array {
  if (Array.isArray(points) && points.length > 0 && Array.isArray(points[0])) {
    const rows = points as number[][];
    const out = new Float64Array(rows.length * 2);
    rows.forEach((r, i) => {
      out[2 * i] = r[0] as number;
      out[2 * i + 1] = r[1] as number;
    });
    return out;
  }
  return Float64Array.from(points as ArrayLike<number>);
}

function quantileRange(all: Float64Array[]): [number, number] {
  const values: number[] = [];
  for (const a of all) for (const v of a) if (Number.isFinite(v)) values.push(v);
  if (values.length === 0) return [-1, 1];
  values.sort((x, y) => x - y);
  const lo = values[Math.floor(0.005 * (values.length - 1))] as number;
  const hi = values[Math.ceil(0.995 * (values.length - 1))] as number;
  const pad = 0.08 * Math.max(hi - lo, 1e-6);
  return [lo - pad, hi + pad];
}

/**
 * Renders sample sets as square scatter panels on one shared range, as an SVG document.
 *
 * @example
 * ```ts
 * const svg = scatterSvg([{ title: 'target', points: target }, { title: 'ODE', points: samples }]);
 * await writePng(svg, 'out/samples.png');
 * ```
 */
export function scatterSvg(panels: ScatterPanel[], options: ScatterOptions = {}): string {
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new ArgumentError('scatterSvg', 'panels', 'a non-empty array of { title, points }', String(panels));
  }
  const size = checkNumber('scatterSvg', 'options.panelSize', options.panelSize ?? 320, { min: 40 });
  const columns = checkNumber('scatterSvg', 'options.columns', options.columns ?? panels.length, { min: 1, integer: true });
  const radius = checkNumber('scatterSvg', 'options.radius', options.radius ?? 1.1, { min: 0, exclusiveMin: true });
  const color = options.color ?? '#1f5fa8';
  const flat = panels.map((p, i) => {
    const f = flatten(p.points);
    if (f.length % 2 !== 0) throw new ArgumentError('scatterSvg', `panels[${i}].points`, 'pairs of coordinates', `${f.length} numbers`);
    return f;
  });
  const [lo, hi] = options.range ?? quantileRange(flat);
  if (!(hi > lo)) throw new ArgumentError('scatterSvg', 'options.range', '[min, max] with max > min', `[${lo}, ${hi}]`);
  const header = 44;
  const rows = Math.ceil(panels.length / columns);
  const width = columns * size;
  const height = rows * (size + header);
  const scale = (size - 16) / (hi - lo);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  panels.forEach((panel, i) => {
    const ox = (i % columns) * size;
    const oy = Math.floor(i / columns) * (size + header);
    const px = (v: number) => ox + 8 + (v - lo) * scale;
    const py = (v: number) => oy + header + size - 8 - (v - lo) * scale;
    parts.push(`<text x="${ox + size / 2}" y="${oy + 18}" font-family="DejaVu Sans, sans-serif" font-size="14" text-anchor="middle">${escapeXml(panel.title)}</text>`);
    if (panel.caption) {
      parts.push(`<text x="${ox + size / 2}" y="${oy + 36}" font-family="DejaVu Sans, sans-serif" font-size="11" fill="#555" text-anchor="middle">${escapeXml(panel.caption)}</text>`);
    }
    parts.push(`<rect x="${ox + 4}" y="${oy + header + 4}" width="${size - 8}" height="${size - 8}" fill="none" stroke="#ccc"/>`);
    const dots: string[] = [];
    const f = flat[i] as Float64Array;
    for (let k = 0; k < f.length; k += 2) {
      const x = f[k] as number;
      const y = f[k + 1] as number;
      if (!Number.isFinite(x) || !Number.isFinite(y) || x < lo || x > hi || y < lo || y > hi) continue;
      dots.push(`M${px(x).toFixed(1)} ${py(y).toFixed(1)}h0`);
    }
    // One path of zero-length round-capped segments: far smaller and faster to render than one <circle> per point.
    parts.push(`<path d="${dots.join('')}" stroke="${color}" stroke-opacity="0.55" stroke-width="${2 * radius}" stroke-linecap="round" fill="none"/>`);
    parts.push(`<text x="${ox + 8}" y="${oy + header + size - 10}" font-family="DejaVu Sans, sans-serif" font-size="9" fill="#999">[${niceNumber(lo)}, ${niceNumber(hi)}]²</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
