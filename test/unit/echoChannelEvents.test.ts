import { describe, expect, it } from 'vitest';
import {
  MESSAGE_CHARS_LIMIT,
  readEchoChannelMessage,
  type EchoChannelResult,
} from '../../src/main/sources/redis/echoChannelEvents';
import type { MonitorEvent } from '../../src/shared/monitorEvent';

// The shapes below are ECHO's own, from github:Pranavj17/echo at 1537b49.
// EchoShared.MessageBus.publish_message (apps/echo_shared/lib/echo_shared/message_bus.ex):
// {db_id, id: "msg_" <> 16 hex, from, to, type, subject, content, metadata: Map.merge(metadata, %{timestamp})},
// with DateTime.to_iso8601 of utc_now, so microseconds and a Z.
const TIMESTAMP = '2026-11-24T14:23:05.123456Z';
const AT = '2026-11-24T14:23:05.123Z';

function echoMessage(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    db_id: 41,
    id: 'msg_0123456789abcdef',
    from: 'ceo',
    to: 'cto',
    type: 'request',
    subject: 'Q3 Strategy Review',
    content: { question: 'Can we ship by March?' },
    metadata: { timestamp: TIMESTAMP },
    ...fields,
  };
}

// publish_decision_event merges {event, timestamp} into the caller's data:
// apps/ceo/lib/ceo.ex (initiate_decision) sends decision_id, type, mode and initiator.
function echoDecision(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    decision_id: '6f0c9a1e-2b7d-4c3e-9f10-1a2b3c4d5e6f',
    type: 'budget_approval',
    mode: 'collaborative',
    initiator: 'ceo',
    event: 'new',
    timestamp: TIMESTAMP,
    ...fields,
  };
}

function read(channel: string, value: unknown): EchoChannelResult {
  return readEchoChannelMessage(channel, typeof value === 'string' ? value : JSON.stringify(value));
}

function eventOf(channel: string, value: unknown): MonitorEvent {
  const result = read(channel, value);
  if (!result.ok) throw new Error(`dropped: ${result.reason}`);
  return result.event;
}

function reasonOf(channel: string, value: unknown): string {
  const result = read(channel, value);
  if (result.ok) throw new Error(`read: ${result.event.message}`);
  return result.reason;
}

describe("ECHO's messages as events", () => {
  it('says a task the delegator handed an agent, linked to that agent', () => {
    // Delegator.MessageRouter.delegate_to_all (apps/delegator/lib/delegator/message_router.ex).
    const task = echoMessage({
      from: 'delegator',
      to: 'senior_developer',
      subject: 'Direct task: code_review',
      content: { request_id: 'req_1', task: { type: 'code_review' }, delegation_mode: 'direct', timestamp: TIMESTAMP },
    });
    expect(eventOf('messages:senior_developer', task)).toEqual({
      id: 'echo:messages:senior_developer:41:msg_0123456789abcdef',
      at: AT,
      type: 'task_delegated',
      origin: 'echo',
      message: 'Delegator → Senior Developer: Direct task: code_review',
      role: 'senior_developer',
    });
  });

  it('says who wrote to whom and why, linked to the recipient', () => {
    expect(eventOf('messages:cto', echoMessage())).toMatchObject({
      type: 'agent_message',
      message: 'CEO → CTO (request): Q3 Strategy Review',
      role: 'cto',
    });
  });

  it('names a broadcast and a leadership message as such, linked to the agent that wrote', () => {
    // broadcast_message publishes to: "all" on messages:all (CTO's notify_technical_decision).
    const broadcast = echoMessage({
      from: 'cto',
      to: 'all',
      type: 'notification',
      subject: 'Technical Proposal Approved',
    });
    expect(eventOf('messages:all', broadcast)).toMatchObject({
      message: 'CTO → all agents (notification): Technical Proposal Approved',
      role: 'cto',
    });
    const leadership = echoMessage({ to: 'leadership' });
    expect(eventOf('messages:leadership', leadership)).toMatchObject({
      message: 'CEO → leadership (request): Q3 Strategy Review',
      role: 'ceo',
    });
  });

  it("links an agent's answer to the delegator to the agent", () => {
    const answer = echoMessage({
      from: 'senior_developer',
      to: 'delegator',
      type: 'response',
      subject: 'Re: Direct task: code_review',
    });
    expect(eventOf('messages:delegator', answer)).toMatchObject({ type: 'agent_message', role: 'senior_developer' });
  });

  it('keeps one id per message: the same message twice is one id, another publish another', () => {
    const first = eventOf('messages:cto', echoMessage());
    expect(eventOf('messages:cto', echoMessage()).id).toBe(first.id);
    expect(eventOf('messages:cto', echoMessage({ id: 'msg_fedcba9876543210' })).id).not.toBe(first.id);
    expect(eventOf('messages:cto', echoMessage({ db_id: 42 })).id).not.toBe(first.id);
  });

  it('takes fields ECHO may add, and an empty subject', () => {
    const event = eventOf(
      'messages:cto',
      echoMessage({ subject: ' ', read: false, metadata: { timestamp: TIMESTAMP, priority: 'high' } }),
    );
    expect(event.message).toBe('CEO → CTO (request): (no subject)');
  });

  it('cuts a huge subject, type or role and says so, and links no cut role', () => {
    const event = eventOf('messages:cto', echoMessage({ subject: 's'.repeat(100_000) }));
    expect(event.message).toBe(`CEO → CTO (request): ${'s'.repeat(255)}… (cut from 100,000 characters)`);
    // Every field huge at once: each is cut, then the whole text to the log's limit, still marked.
    const everything = eventOf(
      'messages:cto',
      echoMessage({ subject: 's'.repeat(100_000), type: 't'.repeat(1000), from: 'f'.repeat(1000) }),
    );
    expect(everything.message).toMatch(/… \(cut from \d+ characters\)$/);
    expect(everything.message.length).toBeLessThanOrEqual(550);
    const longRole = eventOf('messages:x', echoMessage({ to: 'r'.repeat(300) }));
    expect(longRole.role).toBe('ceo');
    expect(longRole.message).toContain('(cut from 300 characters)');
  });

  it('drops what is not JSON or not the shape, with the reason', () => {
    expect(reasonOf('messages:cto', 'PING')).toBe('echo messages:cto: not JSON');
    expect(reasonOf('messages:cto', echoMessage({ subject: undefined }))).toBe(
      'echo messages:cto: subject: Invalid input: expected string, received undefined',
    );
    expect(reasonOf('messages:cto', echoMessage({ metadata: {} }))).toMatch(
      /^echo messages:cto: metadata\.timestamp: /,
    );
    expect(reasonOf('messages:cto', echoMessage({ db_id: 'forty-one' }))).toMatch(/^echo messages:cto: db_id: /);
    expect(reasonOf('messages:cto', echoMessage({ id: 'm'.repeat(101) }))).toMatch(/^echo messages:cto: id: /);
    expect(reasonOf('messages:cto', [1, 2])).toMatch(/^echo messages:cto: value: /);
  });

  it('never parses a message past its bound, nor a channel name no ECHO role gives', () => {
    expect(reasonOf('messages:cto', 'x'.repeat(MESSAGE_CHARS_LIMIT + 1))).toBe(
      'echo messages:cto: 1,000,001 characters, over the 1,000,000 read',
    );
    expect(reasonOf(`messages:${'c'.repeat(200)}`, echoMessage())).toBe('echo: a channel name of 209 characters');
    expect(reasonOf('agents:heartbeat', { role: 'ceo' })).toBe("echo agents:heartbeat: not one of ECHO's channels");
  });
});

describe("ECHO's decisions as events", () => {
  it('says a decision opened, by whom and how, with its id, linked to the initiator', () => {
    expect(eventOf('decisions:new', echoDecision())).toEqual({
      id: `echo:decisions:new:6f0c9a1e-2b7d-4c3e-9f10-1a2b3c4d5e6f:${AT}`,
      at: AT,
      type: 'decision_new',
      origin: 'echo',
      message: 'Decision budget_approval opened by CEO (collaborative), id 6f0c9a1e-2b7d-4c3e-9f10-1a2b3c4d5e6f',
      role: 'ceo',
    });
  });

  it("says a completion from either of ECHO's two senders", () => {
    // apps/cto/lib/cto.ex notify_technical_decision: decision_id and type.
    const byCto = { decision_id: 'd-1', type: 'technical_proposal', event: 'completed', timestamp: TIMESTAMP };
    expect(eventOf('decisions:completed', byCto)).toMatchObject({
      type: 'decision_completed',
      message: 'Decision technical_proposal completed, id d-1',
    });
    // apps/ceo/lib/ceo.ex notify_decision_approved: decision_id and status.
    const byCeo = { decision_id: 'd-2', status: 'approved', event: 'completed', timestamp: TIMESTAMP };
    const event = eventOf('decisions:completed', byCeo);
    expect(event).toMatchObject({ message: 'Decision completed: approved, id d-2' });
    expect(event.role).toBeUndefined();
  });

  it('says votes and escalations', () => {
    expect(eventOf('decisions:vote_required', echoDecision({ event: 'vote_required' }))).toMatchObject({
      type: 'decision_vote_required',
      message: 'Decision budget_approval: vote required, id 6f0c9a1e-2b7d-4c3e-9f10-1a2b3c4d5e6f',
    });
    expect(eventOf('decisions:escalated', echoDecision({ event: 'escalated', mode: null }))).toMatchObject({
      type: 'decision_escalated',
      message: 'Decision budget_approval escalated, id 6f0c9a1e-2b7d-4c3e-9f10-1a2b3c4d5e6f',
    });
  });

  it("keeps one id per decision event, and tells a decision's steps apart", () => {
    const opened = eventOf('decisions:new', echoDecision());
    expect(eventOf('decisions:new', echoDecision()).id).toBe(opened.id);
    expect(eventOf('decisions:completed', echoDecision({ event: 'completed' })).id).not.toBe(opened.id);
    expect(eventOf('decisions:new', echoDecision({ timestamp: '2026-11-24T14:30:00.000000Z' })).id).not.toBe(opened.id);
  });

  it('drops a decision without its id or event, or on a channel ECHO would not use', () => {
    expect(reasonOf('decisions:new', echoDecision({ decision_id: undefined }))).toMatch(
      /^echo decisions:new: decision_id: /,
    );
    expect(reasonOf('decisions:new', echoDecision({ event: 'reopened' }))).toMatch(/^echo decisions:new: event: /);
    expect(reasonOf('decisions:new', echoDecision({ timestamp: 'yesterday' }))).toMatch(
      /^echo decisions:new: timestamp: /,
    );
    expect(reasonOf('decisions:completed', echoDecision())).toBe(
      'echo decisions:completed: a "new" event on another channel',
    );
    expect(reasonOf('decisions:new', '{')).toBe('echo decisions:new: not JSON');
  });
});
