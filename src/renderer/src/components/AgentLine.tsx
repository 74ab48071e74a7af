import { Fragment, memo, useId, useState } from 'react';
import type { CommandRequest } from '../../../shared/commands';
import { controlKey } from '../../../shared/controlPlan';
import { useZonedTime } from '../hooks/useZonedTime';
import type { AgentRow } from '../store/selectors/agents';
import { countRender } from '../renderCount';
import { ControlButton, type AskElsewhere } from './ControlButton';
import { ControlQuestion, type Ask } from './ControlQuestion';
import { LiveDuration } from './LiveDuration';
import { sameRow } from './sameRow';

/** The agents table's columns: the question row spans them all. */
export const AGENT_COLUMNS = ['Agent', 'Signals', 'Memory', 'Uptime', 'Actions'] as const;

/** Its figure, where the figure comes from, the other readings (each kept whole), and a flag where they disagree. */
function MemoryCell({ row }: { readonly row: AgentRow }) {
  return (
    <td className="memory">
      <span className="strong">{row.memoryText}</span>
      {row.memoryFrom !== null && <span className="memory-from"> {row.memoryFrom}</span>}
      {row.readings.length > 0 && (
        <span className="readings">
          {row.readings.map((part, index) => (
            <Fragment key={part}>
              {index > 0 && ' · '}
              <span className="reading">{part}</span>
            </Fragment>
          ))}
        </span>
      )}
      {row.drift && (
        <span className="drift" role="note">
          {row.drift}
        </span>
      )}
    </td>
  );
}

function Requests({
  row,
  elsewhere,
}: {
  readonly row: AgentRow;
  readonly elsewhere: (request: CommandRequest) => AskElsewhere;
}) {
  const stops: CommandRequest[] =
    row.copies.length > 0
      ? row.copies.map((pid) => ({ type: 'stop_agent', role: row.role, pid }))
      : [{ type: 'stop_agent', role: row.role }];
  const requests = row.unloadable ? [...stops, { type: 'unload_model', model: row.model } as const] : stops;
  return (
    <div className="commands">
      {requests.map((request) => (
        <ControlButton key={controlKey(request)} request={request} elsewhere={elsewhere(request)} />
      ))}
    </div>
  );
}

/**
 * One agent: who it is and its model, its signals, its memory, how long it
 * has run, and its controls. A control's question opens in a row of its own
 * beneath, across the whole table, so it never widens a column.
 */
export const AgentLine = memo(function AgentLine({ row }: { readonly row: AgentRow }) {
  const { timeOf } = useZonedTime();
  const [ask, setAsk] = useState<Ask | null>(null);
  const questionId = useId();
  countRender(`agent:${row.role}`);
  const asking = ask && controlKey(ask.request);
  const elsewhere = (request: CommandRequest): AskElsewhere => ({
    onAsk: setAsk,
    openAt: asking === controlKey(request) ? questionId : null,
  });
  return (
    <>
      <tr data-role={row.role}>
        <td>
          <div className="agent">
            <span className="initials" aria-hidden="true">
              {row.initials}
            </span>
            <span className="agent-name">
              <span className="strong">{row.name}</span>
              {/* A model's name is never broken: one too long for the cell ends in an ellipsis, with the whole name on hover. */}
              <span className="model mono" title={row.model}>
                <span className="sr-only">model </span>
                {row.model}
              </span>
            </span>
          </div>
        </td>
        <td>
          <span className="readings">
            {[row.process, row.heartbeat].filter((part) => part !== null).join(' · ') || 'N/A'}
          </span>
          <span className="readings muted">seen by {row.seenBy}</span>
          {row.lineage && <span className="readings muted">{row.lineage}</span>}
          {row.work && <span className="readings">{row.work}</span>}
        </td>
        <MemoryCell row={row} />
        <td>
          {row.spawnedAt === null ? (
            'N/A'
          ) : (
            <>
              <LiveDuration startedAt={row.spawnedAt} />
              <span className="readings mono reading">since {timeOf(row.spawnedAt)}</span>
            </>
          )}
        </td>
        <td>
          <Requests row={row} elsewhere={elsewhere} />
        </td>
      </tr>
      {ask !== null && (
        <tr className="question-row" data-question-for={row.role}>
          <td colSpan={AGENT_COLUMNS.length}>
            <ControlQuestion
              id={questionId}
              ask={ask}
              onClose={(back) => {
                setAsk(null);
                if (back) ask.opener?.focus();
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}, sameRow);
