/**
 * Line plots with optional log axes as SVG: quality against NFE or seconds, one line per series.
 */
import { ArgumentError, checkNumber } from '../errors.js';
import { escapeXml, niceNumber } from './svg.js';

/** One line of {@link lineChartSvg}. */
export interface LineSeries {
  label: string;
  /** Points `[x, y]`; non-finite or (on a log axis) non-positive values are skipped. */
  points: [number, number][];
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic x axis. @default false */
  logX?: boolean;
  /** Logarithmic y axis. @default false */
  logY?: boolean;
  /** @default 720 */
  width?: number;
  /** @default 440 */
  height?: number;
  /** A horizontal reference line (e.g. the metric's floor), drawn dashed. */
  reference?: { y: number; label: string };
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      const v = 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
    }
    if (out.length >= 2) return out;
    // Less than two decades: ticks at 1, 2, 5 × 10^k.
    const fine: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) fine.push(v);
      }
    }
    return fine;
  }
  const span = hi - lo;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const mult = [1, 2, 5, 10].find((m) => span / (m * step) <= 6) ?? 10;
  const s = mult * step;
  const out: number[] = [];
  for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12 * span; v += s) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Renders series as a line chart (markers at the points) with optional log axes, a legend and an optional
 * dashed reference line, as an SVG document.
 *
 * @example
 * ```ts
 * const svg = lineChartSvg([{ label: 'heun', points: [[8, 0.3], [16, 0.1]] }], { logX: true, logY: true, xLabel: 'NFE' });
 * ```
 */
export function lineChartSvg(series: LineSeries[], options: LineChartOptions = {}): string {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ArgumentError('lineChartSvg', 'series', 'a non-empty array of { label, points }', String(series));
  }
  const width = checkNumber('lineChartSvg', 'options.width', options.width ?? 720, { min: 200 });
  const height = checkNumber('lineChartSvg', 'options.height', options.height ?? 440, { min: 150 });
  const logX = options.logX ?? false;
  const logY = options.logY ?? false;
  const ok = ([x, y]: [number, number]) => Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
  const clean = series.map((s) => ({ label: s.label, points: s.points.filter(ok).sort((a, b) => a[0] - b[0]) }));
  const xs = clean.flatMap((s) => s.points.map((p) => p[0]));
  const ys = clean.flatMap((s) => s.points.map((p) => p[1]));
  if (options.reference && Number.isFinite(options.reference.y) && (!logY || options.reference.y > 0)) ys.push(options.reference.y);
  if (xs.length === 0) throw new ArgumentError('lineChartSvg', 'series', 'at least one finite point (positive on log axes)', 'none');
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) [x0, x1] = logX ? [x0 / 2, x1 * 2] : [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = logY ? [y0 / 2, y1 * 2] : [y0 - 1, y1 + 1];
  if (logY) [y0, y1] = [y0 / 1.15, y1 * 1.15];
  else [y0, y1] = [y0 - 0.05 * (y1 - y0), y1 + 0.05 * (y1 - y0)];
  const fx = logX ? Math.log10 : (v: number) => v;
  const fy = logY ? Math.log10 : (v: number) => v;
  const left = 70;
  const right = 170;
  const top = options.title ? 36 : 16;
  const bottom = 50;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const px = (v: number) => left + ((fx(v) - fx(x0)) / (fx(x1) - fx(x0))) * pw;
  const py = (v: number) => top + ph - ((fy(v) - fy(y0)) / (fy(y1) - fy(y0))) * ph;
  const font = 'font-family="DejaVu Sans, sans-serif"';
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (options.title) out.push(`<text x="${left + pw / 2}" y="22" ${font} font-size="15" text-anchor="middle">${escapeXml(options.title)}</text>`);
  for (const t of ticks(x0, x1, logX)) {
    out.push(`<line x1="${px(t)}" y1="${top}" x2="${px(t)}" y2="${top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${px(t)}" y="${top + ph + 16}" ${font} font-size="11" text-anchor="middle">${niceNumber(t)}</text>`);
  }
  for (const t of ticks(y0, y1, logY)) {
    out.push(`<line x1="${left}" y1="${py(t)}" x2="${left + pw}" y2="${py(t)}" stroke="#eee"/>`);
    out.push(`<text x="${left - 6}" y="${py(t) + 4}" ${font} font-size="11" text-anchor="end">${niceNumber(t)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  if (options.xLabel) out.push(`<text x="${left + pw / 2}" y="${height - 12}" ${font} font-size="13" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    out.push(`<text x="16" y="${top + ph / 2}" ${font} font-size="13" text-anchor="middle" transform="rotate(-90 16 ${top + ph / 2})">${escapeXml(options.yLabel)}</text>`);
  }
  if (options.reference && ys.includes(options.reference.y)) {
    const y = py(options.reference.y);
    out.push(`<line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="#000" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${left + pw - 4}" y="${y - 5}" ${font} font-size="11" text-anchor="end">${escapeXml(options.reference.label)}</text>`);
  }
  clean.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (s.points.length > 1) {
      out.push(`<polyline points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const [x, y] of s.points) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    const ly = top + 14 + i * 18;
    out.push(`<line x1="${left + pw + 12}" y1="${ly - 4}" x2="${left + pw + 32}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${left + pw + 38}" y="${ly}" ${font} font-size="12">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
