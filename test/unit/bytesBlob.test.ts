import { describe, expect, it } from 'vitest';
import { BytesBlob } from '../../src/main/demo/bytesBlob';

const BYTES = new TextEncoder().encode('PG_VERSION\u0000 15 and more');

/** What a reader of the Blob's stream gets, end to end. */
async function streamed(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await new Response(blob.stream()).arrayBuffer());
}

describe('BytesBlob', () => {
  it('answers every question as a Blob of the same bytes does', async () => {
    const fast = new BytesBlob(BYTES);
    const real = new Blob([BYTES]);
    expect(fast).toBeInstanceOf(Blob);
    expect(fast.size).toBe(real.size);
    expect(fast.type).toBe(real.type);
    expect(new Uint8Array(await fast.arrayBuffer())).toEqual(new Uint8Array(await real.arrayBuffer()));
    expect(await fast.bytes()).toEqual(await real.bytes());
    expect(await fast.text()).toBe(await real.text());
    expect(await fast.slice(3, 9).text()).toBe(await real.slice(3, 9).text());
    expect(await streamed(fast)).toEqual(await streamed(real));
  });

  it('hands out a copy, so a reader that writes to it changes nothing for the next', async () => {
    const source = new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 4);
    const blob = new BytesBlob(source);
    const first = new Uint8Array(await blob.arrayBuffer());
    expect(first).toEqual(new Uint8Array([8, 7, 6]));
    first[0] = 0;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([8, 7, 6]));
    expect(source[0]).toBe(8);
  });
});
