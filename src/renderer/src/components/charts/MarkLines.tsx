import { DefaultZIndexes, usePlotArea, useXAxisScale, ZIndexLayer } from 'recharts';
import type { ChartMark } from '../../store/selectors/chartLines';

/** The theme's colours, the same as the marks' key below the charts. */
const MARK_COLOURS = { spawn: 'var(--mark-spawn)', stop: 'var(--mark-stop)', session: 'var(--mark-session)' } as const;

/**
 * The spawns, stops and sessions as vertical lines across the plot, drawn
 * together by one component. recharts' ReferenceLine would draw the same line,
 * but each one takes itself out of the chart's store and puts itself back
 * whenever it renders, and every such change reaches every part of the chart
 * that reads the store: n marks cost n² store updates on each redraw (200
 * marks: a third of a second), and a snapshot that arrives before those
 * effects have run waits for them.
 */
export function MarkLines({ marks }: { readonly marks: readonly ChartMark[] }) {
  const x = useXAxisScale();
  const area = usePlotArea();
  if (x === undefined || area === undefined) return null;
  const left = area.x;
  const right = area.x + area.width;
  return (
    // In the lines' layer, after them, where ReferenceLine draws.
    <ZIndexLayer zIndex={DefaultZIndexes.line}>
      <g className="recharts-layer chart-marks">
        {marks.map((mark) => {
          const at = x(mark.at);
          // As ReferenceLine does by default: a mark outside the plotted time is left out, not pinned to an edge.
          if (at === undefined || at < left || at > right) return null;
          return (
            <line
              key={`${String(mark.at)}-${mark.label}`}
              x1={at}
              x2={at}
              y1={area.y}
              y2={area.y + area.height}
              stroke={MARK_COLOURS[mark.kind]}
              strokeOpacity={0.7}
              strokeWidth={1}
              fill="none"
            />
          );
        })}
      </g>
    </ZIndexLayer>
  );
}
