import { useId, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { TimelineLane, TimelineMark, TimelineView, TimeStretch } from '../../store/selectors/sessionTimeline';
import { markText, spanText, type LaneKind } from './timelineText';

/** One thing on a row a person can pick: a span or a mark, with its words. */
export interface TimelineItem {
  readonly id: string;
  readonly text: string;
  readonly className: string;
  readonly style: CSSProperties;
}

export interface TimelineLanesProps {
  readonly view: TimelineView;
  readonly label: string;
  readonly timeOf: (instant: number) => string;
  readonly selectedId: string | null;
  readonly onSelect: (item: TimelineItem) => void;
}

/** Where a time sits across the track, as a share of its width. */
const placeIn =
  (view: TimeStretch) =>
  (at: number): number => {
    const span = view.to - view.from;
    return span <= 0 ? 100 : Math.min(100, Math.max(0, ((at - view.from) / span) * 100));
  };

/** A row's keys move along it and Tab leaves it: one stop per row however many marks it holds. */
const STEPS: Readonly<Record<string, (index: number, count: number) => number>> = {
  ArrowRight: (index, count) => Math.min(count - 1, index + 1),
  ArrowLeft: (index) => Math.max(0, index - 1),
  Home: () => 0,
  End: (_index, count) => count - 1,
};

function TimelineRow(props: {
  readonly name: string;
  readonly items: readonly TimelineItem[];
  readonly shaded: readonly { readonly left: number; readonly width: number; readonly className: string }[];
  readonly selectedId: string | null;
  readonly onSelect: (item: TimelineItem) => void;
}) {
  const nameId = useId();
  const [active, setActive] = useState(0);
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);
  const current = Math.min(active, props.items.length - 1);
  const onKeyDown = (event: KeyboardEvent): void => {
    const step = STEPS[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const next = step(current, props.items.length);
    setActive(next);
    buttons.current[next]?.focus();
  };
  return (
    <div className="timeline-row">
      <span className="timeline-name" id={nameId} title={props.name}>
        {props.name}
      </span>
      <div className="timeline-track" role="toolbar" aria-labelledby={nameId} onKeyDown={onKeyDown}>
        {props.shaded.map((shade) => (
          <div
            key={`${shade.className}-${String(shade.left)}`}
            className={shade.className}
            style={{ left: `${String(shade.left)}%`, width: `${String(shade.width)}%` }}
            aria-hidden="true"
          />
        ))}
        {props.items.map((item, index) => (
          <button
            key={item.id}
            ref={(element) => {
              buttons.current[index] = element;
            }}
            type="button"
            className={item.className}
            style={item.style}
            tabIndex={index === current ? 0 : -1}
            aria-label={item.text}
            aria-pressed={item.id === props.selectedId}
            title={item.text}
            onFocus={() => {
              setActive(index);
            }}
            onClick={() => {
              props.onSelect(item);
            }}
          />
        ))}
      </div>
    </div>
  );
}

function laneItems(lane: TimelineLane, kind: LaneKind, props: TimelineLanesProps): TimelineItem[] {
  const place = placeIn(props.view);
  const spans = lane.spans.map((span, index) => {
    const left = place(span.from);
    const classes = [
      'timeline-span',
      `timeline-span-${kind}`,
      span.startedAt === null ? 'timeline-start-unseen' : '',
      `timeline-end-${span.end}`,
    ];
    return {
      id: `${kind}:${lane.key}:${String(index)}`,
      text: spanText(lane.name, kind, span, props.timeOf),
      className: classes.filter(Boolean).join(' '),
      style: { left: `${String(left)}%`, width: `${String(place(span.to) - left)}%` },
    };
  });
  return [...spans, ...markItems(lane.marks, props)];
}

function markItems(marks: readonly TimelineMark[], props: TimelineLanesProps): TimelineItem[] {
  const place = placeIn(props.view);
  return marks.map((mark) => ({
    id: mark.id,
    text: markText(mark, props.timeOf),
    className: `timeline-mark timeline-mark-${mark.kind}`,
    style: { left: `${String(place(mark.at))}%` },
  }));
}

/**
 * The timeline's rows: agents, then models, then the delegator's tasks and
 * ECHO's decisions; each span and mark a button named in words, so it can
 * be reached, read and picked without seeing it.
 */
export function TimelineLanes(props: TimelineLanesProps) {
  const { view } = props;
  const place = placeIn(view);
  const shade = (stretch: TimeStretch, className: string) => ({
    left: place(stretch.from),
    width: place(stretch.to) - place(stretch.from),
    className,
  });
  const knownFrom = view.coverage.knownFrom;
  const shaded = [
    ...(view.coverage.kind === 'part' && knownFrom !== null
      ? [shade({ from: view.from, to: knownFrom }, 'timeline-unknown')]
      : []),
    ...view.unwatched.map((stretch) => shade(stretch, 'timeline-unwatched')),
  ];
  const row = (key: string, name: string, items: readonly TimelineItem[]) => (
    <TimelineRow
      key={key}
      name={name}
      items={items}
      shaded={shaded}
      selectedId={props.selectedId}
      onSelect={props.onSelect}
    />
  );
  const middle = (view.from + view.to) / 2;
  return (
    <figure className="timeline" aria-label={props.label}>
      <div className="timeline-row timeline-axis" aria-hidden="true">
        <span className="timeline-name" />
        <span className="timeline-times">
          <span>{props.timeOf(view.from)}</span>
          <span>{props.timeOf(middle)}</span>
          <span>{props.timeOf(view.to)}</span>
        </span>
      </div>
      {view.agents.length > 0 && (
        <div role="group" aria-label="Agents">
          {view.agents.map((lane) => row(`agent:${lane.key}`, lane.name, laneItems(lane, 'agent', props)))}
        </div>
      )}
      {view.models.length > 0 && (
        <div role="group" aria-label="Models">
          {view.models.map((lane) => row(`model:${lane.key}`, lane.name, laneItems(lane, 'model', props)))}
        </div>
      )}
      {view.tasks.length + view.decisions.length > 0 && (
        <div role="group" aria-label="Tasks and decisions">
          {view.tasks.length > 0 && row('tasks', 'Tasks delegated', markItems(view.tasks, props))}
          {view.decisions.length > 0 && row('decisions', 'Decisions', markItems(view.decisions, props))}
        </div>
      )}
    </figure>
  );
}
