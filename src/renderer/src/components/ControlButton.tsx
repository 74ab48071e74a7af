import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
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
  const confirmButton = useRef<HTMLButtonElement>(null);
  const openButton = useRef<HTMLButtonElement>(null);
  // The words come from the latest snapshot when asked, so the row need not redraw on every poll.
  const plan = controlPlan(null, request);

  useEffect(() => {
    if (question !== null) confirmButton.current?.focus();
  }, [question]);

  const close = () => {
    setQuestion(null);
    requestAnimationFrame(() => openButton.current?.focus());
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };

  if (question !== null) {
    return (
      <span className="command-confirm" role="alertdialog" aria-label={plan.name} aria-describedby={`${key}-question`} onKeyDown={onKeyDown}>
        <span id={`${key}-question`}>{question}</span>
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
  const pending = state?.status === 'pending';
  return (
    <span className="command">
      <button
        ref={openButton}
        type="button"
        data-control={key}
        aria-label={plan.name}
        disabled={pending}
        onClick={() => {
          setQuestion(controlPlan(store.getState().snapshot, request).confirm);
        }}
      >
        {pending ? state.text : plan.verb}
      </button>
      {state !== undefined && !pending && (
        <span role="status" className={`command-${state.status}`}>
          {state.text}
        </span>
      )}
    </span>
  );
}
