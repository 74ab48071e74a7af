import { describe, expect, it } from 'vitest';
import { ollamaEndpointFromHost } from '../../src/main/core/ollamaHost';

describe("OLLAMA_HOST, read by Ollama's rules", () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:11435', 'http://127.0.0.1:11435'],
    [':11435', 'http://127.0.0.1:11435'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    ['http://gpu-box', 'http://gpu-box:80'],
    ['https://ollama.example.com', 'https://ollama.example.com:443'],
    ['https://ollama.example.com/ollama/', 'https://ollama.example.com:443/ollama'],
    ['gpu-box:11434/prefix', 'http://gpu-box:11434/prefix'],
    ['[::1]:11434', 'http://[::1]:11434'],
    ['::', 'http://[::1]:11434'],
    ['[::]:9000', 'http://[::1]:9000'],
    ['fe80::1', 'http://[fe80::1]:11434'],
    ['gpu-box:99999', 'http://gpu-box:11434'],
    ['  127.0.0.1:11434  ', 'http://127.0.0.1:11434'],
  ])('%s → %s', (value, endpoint) => {
    expect(ollamaEndpointFromHost(value)).toBe(endpoint);
  });

  it('names no host for an empty value', () => {
    expect(ollamaEndpointFromHost('   ')).toBeNull();
  });
});
