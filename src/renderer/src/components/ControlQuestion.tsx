import { useEffect, useId, useRef } from 'react';
import type { CommandRequest } from '../../../shared/commands';
import { controlPlan } from '../../../shared/controlPlan';
import { useMonitorStore } from '../hooks/monitorContext';

/** A question a control asks before it acts: its words as of the latest snapshot, and the button that asked. */
export interface Ask {
  readonly request: CommandRequest;
  readonly question: string;
  /** Where the keyboard goes back to once the question is answered or dismissed. */
  readonly opener: HTMLElement | null;
}

/**
 * The question itself: what the action frees, the action and Cancel. The
 * keyboard lands on the action when it opens; Escape or Cancel dismiss it;
 * `onClose(true)` asks for the keyboard to go back to the control that asked.
 */
export function ControlQuestion({
  ask,
  onClose,
  id,
}: {
  readonly ask: Ask;
  readonly onClose: (returnFocus: boolean) => void;
  readonly id?: string;
}) {
  const store = useMonitorStore();
  const questionId = useId();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const plan = controlPlan(null, ask.request);

  useEffect(() => {
    confirmButton.current?.focus();
  }, []);

  return (
    <span
      id={id}
      className="command-confirm"
      role="alertdialog"
      aria-label={plan.name}
      aria-describedby={questionId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose(true);
      }}
      onBlur={(event) => {
        // Left for elsewhere on the page: the question goes, so it is never answered later with words gone stale.
        if (!event.currentTarget.contains(event.relatedTarget)) onClose(false);
      }}
    >
      <span id={questionId} className="command-question">
        {ask.question}
      </span>
      <span className="command-answers">
        <button
          ref={confirmButton}
          type="button"
          className="danger"
          onClick={() => {
            onClose(true);
            void store.getState().runControl(ask.request);
          }}
        >
          {plan.verb}
        </button>
        <button
          type="button"
          onClick={() => {
            onClose(true);
          }}
        >
          Cancel
        </button>
      </span>
    </span>
  );
}
