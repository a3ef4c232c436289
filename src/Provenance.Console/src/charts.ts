// Bar charts drawn with Chart.js. Pages load this module with import(), so Chart.js is a chunk of its own, fetched only
// when a page draws a chart. Each chart records the marks it drew (bars per series) on its figure for tests and tools;
// the figure also holds the same numbers as a table, which is what a screen reader reads.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  label: string;
  values: number[];
}

const Colours = ['#1f5f99', '#c2541b', '#3b7d3b', '#7a4f9a'];

/** Draws a bar chart of the series over labels on the canvas; returns the number of bars drawn in each series. */
export function drawBars(canvas: HTMLCanvasElement, labels: string[], series: Series[], format: (value: number) => string): number[] {
  Chart.getChart(canvas)?.destroy();
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: Colours[i % Colours.length] })),
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: series.length > 1 },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.parsed.x ?? 0)}` } },
      },
      scales: { x: { beginAtZero: true, ticks: { callback: (value) => format(Number(value)) } } },
    },
  });
  return chart.data.datasets.map((_, i) => chart.getDatasetMeta(i).data.length);
}
