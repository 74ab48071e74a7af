import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { CommandRequest } from '../../../shared/commands';
import { controlKey, controlPlan } from '../../../shared/controlPlan';
import { useMonitor, useMonitorStore } from '../hooks/monitorContext';

/**
 * A button that acts on the delegator or Ollama. It asks first, saying what
 * the action frees as of the latest snapshot, then shows the command pending,
 * done, or why not.
 */
export function ControlButton({ request }: { readonly request: CommandRequest }) {
  const store = useMonitorStore();
  const key = controlKey(request);
  const state = useMonitor((current) => current.controls[key]);
  const [question, setQuestion] = useState<string | null>(null);
  const questionId = useId();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  // The words come from the latest snapshot when asked, so the row need not redraw on every poll.
  const plan = controlPlan(null, request);
  const pending = state?.status === 'pending';

  useEffect(() => {
    if (question !== null) confirmButton.current?.focus();
    else if (returnFocus.current) openButton.current?.focus();
    returnFocus.current = false;
  }, [question]);

  const close = () => {
    returnFocus.current = true;
    setQuestion(null);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };

  if (question !== null) {
    return (
      <span
        className="command-confirm"
        role="alertdialog"
        aria-label={plan.name}
        aria-describedby={questionId}
        onKeyDown={onKeyDown}
        onBlur={(event) => {
          // Left for elsewhere on the page: the question goes, so it is never answered later with words gone stale.
          if (!event.currentTarget.contains(event.relatedTarget)) setQuestion(null);
        }}
      >
        <span id={questionId}>{question}</span>
        <button
          ref={confirmButton}
          type="button"
          className="danger"
          onClick={() => {
            close();
            void store.getState().runControl(request);
          }}
        >
          {plan.verb}
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </span>
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
        onClick={() => {
          if (!pending) setQuestion(controlPlan(store.getState().snapshot, request).confirm);
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
