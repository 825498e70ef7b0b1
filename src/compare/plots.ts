/**
 * The pictures of a comparison: quality against NFE and against seconds (log axes, one line per sampler and
 * ε, the floor dashed), and a grid of sample scatters.
 */
import { join } from 'node:path';
import { lineChartSvg } from '../plot/lines.js';
import type { LineSeries } from '../plot/lines.js';
import { scatterSvg } from '../plot/scatter.js';
import type { ScatterPanel } from '../plot/scatter.js';
import { writePng } from '../plot/svg.js';
import { SAMPLER_ALIASES } from './samplers.js';
import { formatMetric, samplerLabel } from './table.js';
import type { CompareReport, CompareResult } from './types.js';

/** Samples for the scatter grid (usually those of the first repeat), row-major `[n, dim]`. */
export interface ComparePlotSamples {
  reference?: Float32Array;
  /** By cell id. */
  cells: ReadonlyMap<string, Float32Array>;
}

/** A written picture. */
export interface WrittenPng {
  path: string;
  width: number;
  height: number;
}

/** Most points drawn per scatter panel. */
export const SCATTER_POINTS = 1000;

/** The line of a row: the sampler label (short alias where there is one: `em`, `sde-heun`), plus ε for SDE samplers. */
export function seriesLabel(r: CompareResult): string {
  const label = samplerLabel(r);
  const [name, mode] = label.split(':');
  const alias = Object.entries(SAMPLER_ALIASES).find(([, full]) => full === name)?.[0];
  const short = alias ? `${alias}${mode ? `:${mode}` : ''}` : label;
  return r.kind === 'sde' ? `${short} ε=${r.eps}` : short;
}

function series(report: CompareReport, x: 'nfeUsed' | 'seconds', y: 'slicedW2' | 'sinkhorn'): LineSeries[] {
  const byLabel = new Map<string, [number, number][]>();
  for (const r of report.results) {
    const v = r[y];
    if (v === undefined) continue;
    const label = seriesLabel(r);
    if (!byLabel.has(label)) byLabel.set(label, []);
    byLabel.get(label)!.push([r[x], v]);
  }
  return [...byLabel].map(([label, points]) => ({ label, points }));
}

/** First two coordinates of up to {@link SCATTER_POINTS} rows. */
function thin(data: Float32Array, dim: number): Float32Array {
  const rows = Math.min(SCATTER_POINTS, Math.floor(data.length / dim));
  const out = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    out[2 * i] = data[i * dim]!;
    out[2 * i + 1] = data[i * dim + 1]!;
  }
  return out;
}

/**
 * Writes the pictures of a report into `dir`:
 * - `quality-vs-nfe.png`, `quality-vs-seconds.png`: sliced W2 (or the Sinkhorn divergence when sliced W2 was
 *   not computed) against the NFE used and the wall seconds, log–log, with the floor;
 * - `sinkhorn-vs-nfe.png`, `sinkhorn-vs-seconds.png`: the same for the Sinkhorn divergence, when both metrics
 *   were computed;
 * - `samples.png` (with `samples`, for dimension ≥ 2; first two coordinates): one row per sampler and ε, one
 *   column per NFE, captioned with the metric, and the reference last.
 *
 * @returns the files written, with their pixel sizes
 */
export async function writeComparePlots(report: CompareReport, dir: string, samples?: ComparePlotSamples): Promise<WrittenPng[]> {
  const written: WrittenPng[] = [];
  const title = `${report.target.name}, n ${report.config.n}`;
  const hasSW = report.results.some((r) => r.slicedW2 !== undefined);
  const hasSK = report.results.some((r) => r.sinkhorn !== undefined);
  const charts: { file: string; metric: 'slicedW2' | 'sinkhorn'; x: 'nfeUsed' | 'seconds' }[] = [];
  const primary = hasSW ? 'slicedW2' : hasSK ? 'sinkhorn' : undefined;
  if (primary) charts.push({ file: 'quality-vs-nfe.png', metric: primary, x: 'nfeUsed' }, { file: 'quality-vs-seconds.png', metric: primary, x: 'seconds' });
  if (hasSW && hasSK) charts.push({ file: 'sinkhorn-vs-nfe.png', metric: 'sinkhorn', x: 'nfeUsed' }, { file: 'sinkhorn-vs-seconds.png', metric: 'sinkhorn', x: 'seconds' });
  for (const c of charts) {
    const name = c.metric === 'slicedW2' ? 'sliced W2' : 'Sinkhorn divergence';
    const floor = report.floor?.[c.metric];
    const svg = lineChartSvg(series(report, c.x, c.metric), {
      title: `${name} vs ${c.x === 'nfeUsed' ? 'NFE' : 'wall seconds'} — ${title}`,
      xLabel: c.x === 'nfeUsed' ? 'function evaluations (NFE used)' : 'wall seconds (sampling)',
      yLabel: name,
      logX: true,
      logY: true,
      width: 760,
      height: 460,
      ...(floor !== undefined && floor > 0 ? { reference: { y: floor, label: `floor ${formatMetric(floor)}` } } : {}),
    });
    const path = join(dir, c.file);
    written.push({ path, ...(await writePng(svg, path)) });
  }
  const dim = report.target.dim;
  if (samples && dim >= 2) {
    const metric = primary ?? 'slicedW2';
    const panels: ScatterPanel[] = [];
    for (const r of report.results) {
      const data = samples.cells.get(r.id);
      if (!data) continue;
      const v = r[metric];
      panels.push({
        title: seriesLabel(r),
        caption: `NFE ${Number.isInteger(r.nfeUsed) ? r.nfeUsed : r.nfeUsed.toFixed(0)}${v !== undefined ? ` · ${metric === 'slicedW2' ? 'SW2' : 'Sinkhorn'} ${formatMetric(v)}` : ''}`,
        points: thin(data, dim),
      });
    }
    if (samples.reference) {
      const floor = report.floor?.[metric];
      panels.push({ title: 'reference', caption: floor !== undefined ? `floor ${formatMetric(floor)}` : '', points: thin(samples.reference, dim) });
    }
    if (panels.length > 0) {
      const columns = Math.max(1, Math.min(report.config.nfe.length, panels.length));
      const path = join(dir, 'samples.png');
      written.push({ path, ...(await writePng(scatterSvg(panels, { columns, panelSize: 220, radius: 0.9 }), path)) });
    }
  }
  return written;
}
