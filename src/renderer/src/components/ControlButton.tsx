import { useEffect, useRef, useState } from 'react';
import type { CommandRequest } from '../../../shared/commands';
import { controlKey, controlPlan } from '../../../shared/controlPlan';
import { useMonitor, useMonitorStore } from '../hooks/monitorContext';
import { ControlQuestion, type Ask } from './ControlQuestion';

/**
 * Where a control in a table row asks its question: a row of its own under the row, so the question never widens the
 * table.
 */
export interface AskElsewhere {
  readonly onAsk: (ask: Ask) => void;
  /** The id of the question's element while this control's question is open there, else null. */
  readonly openAt: string | null;
}

/**
 * A button that acts on the delegator or Ollama. It asks first, saying what
 * the action frees as of the latest snapshot, then shows the command pending,
 * done, or why not. The question takes the button's place, or goes where
 * `elsewhere` says.
 */
export function ControlButton({
  request,
  elsewhere,
}: {
  readonly request: CommandRequest;
  readonly elsewhere?: AskElsewhere;
}) {
  const store = useMonitorStore();
  const key = controlKey(request);
  const state = useMonitor((current) => current.controls[key]);
  const [ask, setAsk] = useState<Ask | null>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  // The words come from the latest snapshot when asked, so the row need not redraw on every poll.
  const plan = controlPlan(null, request);
  const pending = state?.status === 'pending';

  useEffect(() => {
    if (ask === null && returnFocus.current) openButton.current?.focus();
    returnFocus.current = false;
  }, [ask]);

  if (ask !== null) {
    return (
      <ControlQuestion
        ask={ask}
        onClose={(back) => {
          returnFocus.current = back;
          setAsk(null);
        }}
      />
    );
  }
  return (
    <span className="command">
      {/* aria-disabled, not disabled: a disabled button drops the keyboard focus it was given back. */}
      <button
        ref={openButton}
        type="button"
        data-control={key}
        aria-label={pending ? state.text : plan.name}
        aria-disabled={pending}
        aria-expanded={elsewhere && elsewhere.openAt !== null}
        aria-controls={elsewhere?.openAt ?? undefined}
        onClick={(event) => {
          if (pending) return;
          const asked = {
            request,
            question: controlPlan(store.getState().snapshot, request).confirm,
            opener: event.currentTarget,
          };
          if (elsewhere) elsewhere.onAsk(asked);
          else setAsk(asked);
        }}
      >
        {pending ? state.text : plan.verb}
      </button>
      {/* Always there, so a screen reader announces the outcome when it arrives. */}
      <span role="status" className={state === undefined || pending ? undefined : `command-${state.status}`}>
        {state === undefined || pending ? '' : state.text}
      </span>
    </span>
  );
}
