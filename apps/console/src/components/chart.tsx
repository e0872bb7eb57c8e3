import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

export interface Series {
  /** Seconds since the epoch. */
  times: number[];
  values: number[];
}

/** A small time-series chart (uPlot: canvas, ~20 KB gzipped), with the latest value as text beside it. */
export function Spark({ title, unit, series }: { title: string; unit: string; series: Series }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!box.current) return undefined;
    plot.current = new uPlot(
      {
        width: 280,
        height: 90,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { size: 40 }],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.2)] } },
        series: [{}, { stroke: '#2f6fb0', width: 2, fill: 'rgba(47,111,176,0.12)' }],
      },
      [[], []],
      box.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => plot.current?.setData([series.times, series.values]), [series]);
  const last = series.values.at(-1);
  return (
    <figure class="spark">
      <figcaption>
        {title}: <strong>{last === undefined ? '…' : `${round(last)} ${unit}`}</strong>
      </figcaption>
      <div ref={box} role="img" aria-label={`${title} over the last minutes`} />
    </figure>
  );
}

const round = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);
