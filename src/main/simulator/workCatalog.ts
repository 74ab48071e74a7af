import { defaultModelFor, ROLE_MODELS } from '../core/echoRoster';
import { echoTimestamp } from './delegatorWriter';
import type { MessageDraft, MessageType } from './echoMessages';
import type { SeededRandom } from './random';

/** ECHO's nine agent roles. */
export const AGENT_ROLES: readonly string[] = Object.keys(ROLE_MODELS);

/** A task as the delegator's `delegate_task` hands it on. */
export interface DelegatedTask {
  readonly type: string;
  readonly description: string;
  readonly context: Readonly<Record<string, unknown>>;
}

/**
 * `delegate_task`'s request to one agent, as ECHO's delegator writes it: to
 * the CEO alone where it runs (`hierarchical`, `Task delegation: <type>`),
 * else to each agent (`Direct task: <type>`), one request id for all.
 */
export function delegationRequest(
  to: string,
  task: DelegatedTask,
  request: { readonly id: string; readonly hierarchical: boolean; readonly at: number },
): MessageDraft {
  return {
    from: 'delegator',
    to,
    type: 'request',
    subject: `${request.hierarchical ? 'Task delegation' : 'Direct task'}: ${task.type}`,
    content: {
      request_id: request.id,
      task,
      delegation_mode: request.hierarchical ? 'hierarchical' : 'direct',
      timestamp: echoTimestamp(request.at),
    },
  };
}

/** Who may open a decision: `messages:leadership`'s roles. */
export const LEADERSHIP: readonly string[] = ['ceo', 'cto', 'chro', 'operations_head'];

/** `task_type`s as the delegator's `delegate_task` is given them, by the category of work. */
export const TASK_TYPES: Readonly<Record<string, readonly string[]>> = {
  quick_fix: ['bug_fix', 'hotfix'],
  development: ['feature_implementation', 'code_review'],
  technical: ['architecture_review', 'performance_review'],
  product: ['feature_specification', 'roadmap_planning'],
  strategic: ['strategic_planning', 'budget_review'],
  operations: ['incident_review', 'capacity_planning'],
  hr: ['hiring_plan', 'policy_review'],
};

export const PRIORITIES: ReadonlyArray<readonly [string, number]> = [
  ['low', 2],
  ['medium', 5],
  ['high', 3],
  ['critical', 1],
];

/**
 * Why an agent fails a message, as `mark_message_failed` stores it: Elixir's
 * `inspect` of the error its model call or handler returned.
 */
export function processingError(random: SeededRandom, role: string): string {
  return random.pick([
    '%Req.TransportError{reason: :timeout}',
    '%Req.TransportError{reason: :econnrefused}',
    `{:api_error, 404, %{"error" => "model \\"${defaultModelFor(role)}\\" not found, try pulling it first"}}`,
    '{:api_error, 500, %{"error" => "llama runner process has terminated: signal: killed"}}',
    '{:exception, %Jason.DecodeError{position: 0, token: nil, data: ""}}',
    ':llm_disabled',
  ]);
}

/** How an agent answers a request it takes part in: `participation_type` and its words. */
export const PARTICIPATION: ReadonlyArray<readonly [string, string]> = [
  ['lead', 'I will lead this. Breaking it into steps now and will report progress as each lands.'],
  ['assist', 'Happy to help here: I can review the approach and take the parts closest to my area.'],
  ['observe', 'I will follow this one and flag anything that touches my area.'],
];

/** Messages agents send one another unprompted: sender, recipient (`all` for a broadcast), type, subject. */
export function chatter(
  random: SeededRandom,
  from: string,
): { readonly to: string; readonly type: MessageType; readonly subject: string } {
  const amount = (): string => `$${(random.int(5, 120) * 5000).toLocaleString('en-US')}`;
  const feature = (): string => random.pick(FEATURES).name;
  // Each sender's own, drawn only for the sender.
  const bySender: Readonly<Record<string, () => Array<{ to: string; type: MessageType; subject: string }>>> = {
    ceo: () => [
      {
        to: random.pick(AGENT_ROLES.filter((role) => role !== 'ceo')),
        type: 'notification',
        subject: `Budget Allocated: ${amount()}`,
      },
      { to: 'cto', type: 'request', subject: `Strategy review: ${feature()}` },
    ],
    cto: () => [
      {
        to: 'all',
        type: 'notification',
        subject: `Technical Proposal ${random.chance(0.8) ? 'Approved' : 'Rejected'}`,
      },
      {
        to: 'operations_head',
        type: 'notification',
        subject: `Infrastructure Change ${random.chance(0.8) ? 'Approved' : 'Rejected'}`,
      },
      { to: 'senior_architect', type: 'request', subject: `Architecture review: ${feature()}` },
    ],
    chro: () => [
      { to: 'ceo', type: 'notification', subject: 'Performance Review Completed' },
      { to: 'ceo', type: 'escalation', subject: `HR Issue Escalation: hr_${String(random.int(100, 999))}` },
    ],
    operations_head: () => [
      {
        to: 'cto',
        type: 'request',
        subject: `Capacity review: ${random.pick(['search cluster', 'build runners', 'database replicas'])}`,
      },
    ],
    product_manager: () => [
      { to: 'senior_architect', type: 'request', subject: `Review technical feasibility: ${feature()}` },
      { to: 'uiux_engineer', type: 'request', subject: `Design request: ${feature()}` },
    ],
    senior_architect: () => [{ to: 'senior_developer', type: 'request', subject: `Implement design: ${feature()}` }],
    uiux_engineer: () => [{ to: 'product_manager', type: 'request', subject: `Design review: ${feature()}` }],
    senior_developer: () => [
      { to: 'test_lead', type: 'request', subject: `Ready for QA: ${feature()}` },
      { to: 'senior_architect', type: 'request', subject: `Question on design: ${feature()}` },
    ],
    test_lead: () => [
      { to: 'senior_developer', type: 'request', subject: `Fix failing tests: ${feature()}` },
      { to: 'product_manager', type: 'notification', subject: `Quality gate passed: ${feature()}` },
    ],
  };
  return random.pick(bySender[from]?.() ?? [{ to: 'ceo', type: 'notification', subject: 'Status update' }]);
}

/** Features the product work is about. */
export const FEATURES: ReadonlyArray<{ readonly name: string; readonly description: string }> = [
  { name: 'User Authentication', description: 'Implement OAuth2 sign-in with the existing identity provider' },
  { name: 'CSV Import', description: 'Import contacts from CSV with duplicate detection' },
  { name: 'Notification Preferences', description: 'Let users choose channels and quiet hours per notification' },
  { name: 'Search Caching', description: 'Cache frequent search results close to the API' },
  { name: 'Mobile Dashboard', description: 'A compact dashboard for small screens' },
];

export const DECISION_TYPES: readonly string[] = [
  'technical_proposal',
  'budget_allocation',
  'hiring_approval',
  'feature_release',
  'infrastructure_change',
  'strategic_initiative',
];

export const VOTE_RATIONALES: Readonly<Record<'approve' | 'reject' | 'abstain', readonly string[]>> = {
  approve: [
    'Aligned with this quarter’s priorities and within budget.',
    'Low risk; the team has capacity.',
    'The expected return justifies the cost.',
  ],
  reject: [
    'Too risky before the next release.',
    'Costs more than it returns this quarter.',
    'Needs a clearer plan for rollback.',
  ],
  abstain: ['Outside my area; deferring to the others.', 'Not enough information to vote either way.'],
};

export const ESCALATION_REASONS: readonly string[] = [
  'No consensus among participants',
  'Participants did not respond in time',
  'Budget exceeds autonomous authority',
  'Conflicting recommendations from leadership',
];

/** One step of a workflow definition, as `Workflow.Engine` runs them. */
export type WorkflowStep =
  | { readonly kind: 'request'; readonly role: string; readonly name: string }
  | { readonly kind: 'notify'; readonly role: string; readonly text: string }
  | { readonly kind: 'pause'; readonly reason: string };

const request = (role: string, name: string): WorkflowStep => ({ kind: 'request', role, name });

/** ECHO's example workflows (workflows/ in its repository), their steps in order, parallel ones one after another. */
export const WORKFLOWS: ReadonlyArray<{ readonly name: string; readonly steps: readonly WorkflowStep[] }> = [
  {
    name: 'feature_development',
    steps: [
      request('product_manager', 'create_feature_requirement'),
      request('senior_architect', 'review_technical_feasibility'),
      { kind: 'notify', role: 'product_manager', text: 'Technical approach approved by architect' },
      request('uiux_engineer', 'design_user_interface'),
      request('product_manager', 'approve_design'),
      request('senior_developer', 'implement_feature'),
      request('test_lead', 'create_test_plan'),
      request('test_lead', 'validate_feature_quality'),
      request('product_manager', 'approve_release'),
    ],
  },
  {
    name: 'hiring_engineer',
    steps: [
      request('cto', 'create_hiring_requisition'),
      request('chro', 'review_hiring_request'),
      { kind: 'notify', role: 'chro', text: 'Budget pre-approved for hiring' },
      request('chro', 'approve_hiring_requisition'),
      { kind: 'notify', role: 'chro', text: 'Job posted and candidate screening in progress' },
      { kind: 'pause', reason: 'Waiting for qualified candidates to apply' },
      request('cto', 'conduct_technical_interview'),
      request('senior_architect', 'conduct_technical_interview'),
      request('chro', 'make_offer_decision'),
    ],
  },
  {
    name: 'curiosity_agenda',
    steps: [
      request('ceo', 'set_company_vision'),
      request('cto', 'evaluate_technical_feasibility'),
      request('chro', 'assess_team_capabilities'),
      request('product_manager', 'create_feature_requirement'),
      { kind: 'pause', reason: 'Awaiting CEO budget approval' },
      request('senior_architect', 'design_technical_architecture'),
      request('senior_developer', 'implement_feature'),
      request('test_lead', 'validate_implementation'),
      request('ceo', 'approve_deployment'),
    ],
  },
];

/** How a workflow fails, as `inspect` of the reason. */
export function workflowError(random: SeededRandom, role: string): string {
  return random.pick([`{:agent_not_running, :${role}}`, `{:timeout, :${role}}`, '{:persistence_failed, :timeout}']);
}

/** ECHO's one allowed flow module (`FlowEngine`'s whitelist). */
export const FLOW_MODULE = 'EchoShared.Workflow.Examples.FeatureApprovalFlow';
