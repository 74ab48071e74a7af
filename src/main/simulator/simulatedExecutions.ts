import type { FlowRow, WorkflowRow } from './echoRecords';
import { FEATURES, FLOW_MODULE, LEADERSHIP, WORKFLOWS, workflowError, type WorkflowStep } from './workCatalog';
import type { Action, WorkHost } from './workHost';

const MAX_WORKFLOWS = 2;
const STEP_FAILURE_CHANCE = 0.04;

interface RunningWorkflow {
  readonly steps: readonly WorkflowStep[];
  /** The row as last written; each step writes the next one. */
  row: WorkflowRow;
}

/**
 * Workflow and flow executions as ECHO's engines persist them.
 * `Workflow.Engine`: a `workflow_executions` row `running`, a message from
 * `workflow_engine` for each request and notification step with
 * `current_step` moved on, `paused` with its `pause_reason` at a pause step
 * (resumed a while later, the reason left as the engine leaves it), then
 * `completed`, or `failed` with the error, both with `completed_at`.
 * `FlowEngine`'s FeatureApprovalFlow: `pending`, `running`, its router's
 * label, a request for approval from `workflow` and `waiting_agent`, then
 * completed, failed on the coordinator's timeout, or now and then paused;
 * each write one `version` on.
 */
export class SimulatedExecutions {
  private workflows = 0;
  private flows = 0;

  constructor(private readonly host: WorkHost) {}

  /** Every 30 to 90 simulated minutes a workflow starts, every 45 to 120 a flow, each while there are few. */
  start(): void {
    this.host.later(this.host.minutes(30, 90), 'starting a workflow', () => {
      this.start();
      return this.planWorkflow();
    });
  }

  startFlows(): void {
    this.host.later(this.host.minutes(45, 120), 'starting a flow', () => {
      this.startFlows();
      return this.planFlow();
    });
  }

  planWorkflow(): Action | null {
    const { host } = this;
    const { random } = host;
    if (!host.writer.tables.workflows || this.workflows >= MAX_WORKFLOWS) return null;
    const definition = random.pick(WORKFLOWS);
    const at = host.clock.now();
    const running: RunningWorkflow = {
      steps: definition.steps,
      row: {
        id: `wf_${random.hex(16)}`,
        name: definition.name,
        status: 'running',
        context: { initiated_by: random.pick(LEADERSHIP), priority: random.pick(['medium', 'high']) },
        currentStep: 0,
        pauseReason: null,
        error: null,
        startedAt: at,
        completedAt: null,
        at,
      },
    };
    this.workflows += 1;
    const first = running.row;
    return async () => {
      await host.writer.records.saveWorkflow(first);
      host.activity(`workflow ${first.name} (${first.id}) started`);
      this.nextStep(running);
    };
  }

  private nextStep(running: RunningWorkflow): void {
    this.host.later(this.host.minutes(0.3, 3), `running ${running.row.id}`, () => this.planStep(running));
  }

  private planStep(running: RunningWorkflow): Action | null {
    const { host } = this;
    const at = host.clock.now();
    const step = running.steps[running.row.currentStep];
    const { records } = host.writer;
    if (step === undefined) {
      const done: WorkflowRow = { ...running.row, status: 'completed', completedAt: at, at };
      this.workflows -= 1;
      return async () => {
        await records.saveWorkflow(done);
        host.activity(`workflow ${done.name} (${done.id}) completed`);
      };
    }
    if (step.kind === 'pause') {
      const paused: WorkflowRow = { ...running.row, status: 'paused', pauseReason: step.reason, at };
      running.row = paused;
      return async () => {
        await records.saveWorkflow(paused);
        host.activity(`workflow ${paused.name} (${paused.id}) paused: ${step.reason}`);
        host.later(host.minutes(5, 30), `resuming ${paused.id}`, () => this.planResume(running));
      };
    }
    if (step.kind === 'request' && host.random.chance(STEP_FAILURE_CHANCE)) {
      const failed: WorkflowRow = {
        ...running.row,
        status: 'failed',
        error: workflowError(host.random, step.role),
        completedAt: at,
        at,
      };
      this.workflows -= 1;
      return async () => {
        await records.saveWorkflow(failed);
        host.activity(`workflow ${failed.name} (${failed.id}) failed: ${failed.error ?? ''}`);
      };
    }
    const message = host.plan(
      step.kind === 'request'
        ? {
            from: 'workflow_engine',
            to: step.role,
            type: 'request',
            subject: step.name,
            content: { execution_id: running.row.id, ...running.row.context },
          }
        : {
            from: 'workflow_engine',
            to: step.role,
            type: 'notification',
            subject: step.text,
            content: { execution_id: running.row.id },
          },
    );
    const next: WorkflowRow = { ...running.row, currentStep: running.row.currentStep + 1, at };
    running.row = next;
    return async () => {
      await host.send(message);
      await records.saveWorkflow(next);
      this.nextStep(running);
    };
  }

  /** `resume_workflow`: running again, the approval merged into its context. */
  private planResume(running: RunningWorkflow): Action {
    const at = this.host.clock.now();
    const resumed: WorkflowRow = {
      ...running.row,
      status: 'running',
      context: { ...running.row.context, approved_by: 'ceo' },
      currentStep: running.row.currentStep + 1,
      at,
    };
    running.row = resumed;
    return async () => {
      await this.host.writer.records.saveWorkflow(resumed);
      this.host.activity(`workflow ${resumed.name} (${resumed.id}) resumed`);
      this.nextStep(running);
    };
  }

  planFlow(): Action | null {
    const { host } = this;
    const { random } = host;
    if (!host.writer.tables.flows || this.flows >= 1) return null;
    const feature = random.pick(FEATURES);
    const at = host.clock.now();
    const state = {
      feature_name: feature.name,
      description: feature.description,
      estimated_cost: random.int(1, 30) * 100_000,
      complexity: random.int(2, 10),
    };
    const pending: FlowRow = {
      id: `flow_${random.hex(16)}`,
      module: FLOW_MODULE,
      status: 'pending',
      state,
      currentStep: null,
      currentTrigger: null,
      routeTaken: [],
      completedSteps: [],
      awaitedResponse: null,
      error: null,
      pauseReason: null,
      startedAt: at,
      completedAt: null,
      version: 1,
      at,
    };
    this.flows += 1;
    // Its start, its first step, and its router, a moment apart as the engine runs them.
    const running = this.next(pending, { status: 'running', currentStep: 'analyze_feature_request' });
    const analysed = this.next(running, {
      state: { ...state, analyzed: true },
      completedSteps: ['analyze_feature_request'],
    });
    const label =
      state.estimated_cost > 1_000_000 ? 'ceo_approval' : state.complexity > 8 ? 'cto_approval' : 'auto_approve';
    const routed = this.next(analysed, { routeTaken: [label], currentTrigger: label });
    return async () => {
      for (const row of [pending, running, analysed, routed]) await host.writer.records.saveFlow(row);
      host.activity(`flow ${pending.id} started for ${feature.name}: ${label}`);
      host.later(host.minutes(0.1, 1), `running ${pending.id}`, () => this.planListener(routed, label));
    };
  }

  /** The row one version on, with the changes, written now. */
  private next(row: FlowRow, changes: Partial<FlowRow>): FlowRow {
    return { ...row, ...changes, version: row.version + 1, at: this.host.clock.now() };
  }

  private planListener(routed: FlowRow, label: string): Action {
    const { host } = this;
    const { records } = host.writer;
    if (label === 'auto_approve') {
      const approved = this.next(routed, {
        state: { ...routed.state, approved: true },
        completedSteps: ['auto_approve_feature', ...routed.completedSteps],
      });
      return this.finish(this.next(approved, { status: 'completed', completedAt: host.clock.now() }), [approved]);
    }
    const agent = label === 'ceo_approval' ? 'ceo' : 'cto';
    const requestId = `req_${String(host.clock.now())}_${host.random.hex(8)}`;
    const ask = host.plan({
      from: 'workflow',
      to: agent,
      type: 'request',
      subject: agent === 'ceo' ? 'Approve high-cost feature' : 'Review high-complexity feature',
      content: { ...routed.state, request_id: requestId, requires_response: true },
    });
    const listener = agent === 'ceo' ? 'request_ceo_approval' : 'request_cto_approval';
    const asked = this.next(routed, {
      state: { ...routed.state, approval_requested_from: agent, approval_request_id: requestId },
      completedSteps: [listener, ...routed.completedSteps],
      currentStep: listener,
    });
    const waiting = this.next(asked, { status: 'waiting_agent', awaitedResponse: { agent, request_id: requestId } });
    return async () => {
      await host.send(ask);
      for (const row of [asked, waiting]) await records.saveFlow(row);
      host.later(host.minutes(1, 12), `${waiting.id} waiting for ${agent}`, () => this.planAnswer(waiting, agent));
    };
  }

  /**
   * The approver answers (the flow resumes and completes), never does (the coordinator's timeout fails it), or a person
   * must look first.
   */
  private planAnswer(waiting: FlowRow, agent: string): Action {
    const { host } = this;
    const at = host.clock.now();
    if (!host.isUp(agent)) {
      return this.finish(
        this.next(waiting, { status: 'failed', error: `Timeout waiting for ${agent} response`, completedAt: at }),
        [],
      );
    }
    if (host.random.chance(0.15)) {
      const paused = this.next(waiting, {
        status: 'paused',
        pauseReason: 'Awaiting human review: estimated cost over budget',
      });
      return async () => {
        await host.writer.records.saveFlow(paused);
        host.activity(`flow ${paused.id} paused: ${paused.pauseReason ?? ''}`);
        host.later(host.minutes(5, 20), `resuming ${paused.id}`, () =>
          this.finish(this.next(paused, { status: 'completed', completedAt: host.clock.now() }), []),
        );
      };
    }
    const resumed = this.next(waiting, {
      status: 'running',
      awaitedResponse: null,
      state: { ...waiting.state, agent_response: { approved: true, by: agent } },
    });
    return this.finish(this.next(resumed, { status: 'completed', completedAt: at }), [resumed]);
  }

  /** Writes the rows before it, then the last, and the flow is over. */
  private finish(last: FlowRow, before: readonly FlowRow[]): Action {
    const { host } = this;
    this.flows -= 1;
    return async () => {
      for (const row of [...before, last]) await host.writer.records.saveFlow(row);
      host.activity(`flow ${last.id} ${last.status}${last.error === null ? '' : `: ${last.error}`}`);
    };
  }
}
