import { describe, expect, it } from 'vitest';
import type { NotificationIntent } from '../../src/main/core/alerts/engine';
import { headerText, ntfyMessage } from '../../src/main/sources/receivers/ntfyMessage';
import { slackMessage } from '../../src/main/sources/receivers/slackMessage';

const INTENT: NotificationIntent = {
  kind: 'raised',
  title: 'Critical: Café <ops> & co',
  body: 'Agents: 9 running.\nStop one.',
  alert: {
    id: 'agent-count',
    rule: 'agent-count',
    severity: 'critical',
    since: '2026-11-24T14:00:00.000Z',
    message: 'Agents: 9 running.',
    culprit: null,
    suggestedAction: 'Stop one',
  },
};

describe('ntfy headers', () => {
  it('sends printable ASCII as it is, and anything else as an RFC 2047 encoded word', () => {
    expect(headerText('Warning: Ollama')).toBe('Warning: Ollama');
    expect(headerText('Critical: Café')).toBe(`=?UTF-8?B?${Buffer.from('Critical: Café').toString('base64')}?=`);
  });

  it('turns controls into spaces, so a header holds one line', () => {
    expect(headerText('a\r\nb\u0007')).toBe('a  b ');
  });

  it('puts the level in the priority and the tags', () => {
    const message = ntfyMessage(INTENT, { host: 'gpu-box' });
    expect(message.headers.priority).toBe('5');
    expect(message.headers.tags).toBe('rotating_light,agent-count,gpu-box');
    expect(ntfyMessage({ ...INTENT, kind: 'resolved' }, { host: 'h' }).headers).toMatchObject({
      priority: '3',
      tags: 'white_check_mark,agent-count,h',
    });
    expect(message.body).toBe(INTENT.body);
  });
});

describe('the Slack message', () => {
  it("escapes what Slack reads as markup in the notice's text", () => {
    const body = JSON.parse(slackMessage(INTENT, { host: 'h' }).body) as { text: string };
    expect(body.text).toBe(':rotating_light: *Critical: Café &lt;ops&gt; &amp; co*\nAgents: 9 running.\nStop one.');
  });
});
