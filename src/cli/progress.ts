/**
 * A one-line progress bar with ETA on a terminal's stderr (nothing when stderr is not a TTY, unless forced).
 */

/** Formats seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A progress bar for `total` units of work. */
export class ProgressBar {
  private readonly started = performance.now();
  private readonly enabled: boolean;

  /**
   * @param total - units of work (steps, grid cells)
   * @param stream - where to draw; @default process.stderr
   * @param enabled - draw at all; @default whether `stream` is a TTY (`--progress` forces it)
   */
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    enabled: boolean = Boolean(stream.isTTY),
  ) {
    this.enabled = enabled;
  }

  /** Redraws the bar at `done` units with a free-text suffix (loss, current cell …). */
  update(done: number, suffix = ''): void {
    if (!this.enabled) return;
    const fraction = Math.min(1, done / this.total);
    const width = 24;
    const filled = Math.round(fraction * width);
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const bar = `${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`;
    this.stream.write(`\r[${bar}] ${done}/${this.total} ${suffix} ETA ${formatDuration(eta)}\x1b[K`);
  }

  /** Clears the line. */
  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
