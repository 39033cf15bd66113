import type { Plugin } from 'chart.js';

/** Room above the chart area for the unlock markers' words, so no line at 99% runs through them. */
export const MARKER_ROOM_PX = 18;

/**
 * A dotted vertical line at each unlock's moment, so a reader sees whether
 * answers moved before or after it; its word sits above the chart area (one
 * word where markers would crowd), and the table names each unlock.
 */
export function unlockMarkers(marks: readonly { at: number }[], color: string, text: string): Plugin<'line'> {
  return {
    id: 'unlockMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: area } = chart;
      const x = chart.scales.x;
      if (!x) return;
      ctx.save();
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([2, 3]);
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      let lastWord = -Infinity;
      for (const mark of marks) {
        const px = x.getPixelForValue(mark.at);
        if (px < area.left || px > area.right) continue;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        const width = ctx.measureText(text).width;
        if (px - width / 2 < lastWord + 4) continue;
        ctx.fillText(text, px, area.top - 5);
        lastWord = px + width / 2;
      }
      ctx.restore();
    },
  };
}
