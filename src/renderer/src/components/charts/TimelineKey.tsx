import type { TimelineView } from '../../store/selectors/sessionTimeline';

/** What each bar, edge and mark of the timeline is, and how many marks of each it shows. */
export function TimelineKey({ view }: { readonly view: TimelineView }) {
  const errors = view.agents.reduce((count, lane) => count + lane.marks.length, 0);
  const entries = [
    { swatch: 'timeline-swatch-agent', name: 'Agent running' },
    { swatch: 'timeline-swatch-model', name: 'Model loaded' },
    { swatch: 'timeline-swatch-unseen', name: 'Start or end not seen' },
    { swatch: 'timeline-swatch-task', name: `Task delegated (${String(view.tasks.length)})` },
    { swatch: 'timeline-swatch-decision', name: `Decision (${String(view.decisions.length)})` },
    ...(errors > 0 ? [{ swatch: 'timeline-swatch-error', name: `Agent reported an error (${String(errors)})` }] : []),
  ];
  return (
    <ul className="chart-key timeline-key" aria-label="Timeline key">
      {entries.map((entry) => (
        <li key={entry.swatch}>
          <span className={`timeline-swatch ${entry.swatch}`} aria-hidden="true" />
          {entry.name}
        </li>
      ))}
    </ul>
  );
}
