import { describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';

describe('LocalServer netns option', () => {
  it('refuses a namespace name or address it cannot use, before initdb', async () => {
    const root = process.getuid?.() === 0;
    await expect(LocalServer.init({ version: '17', netns: { name: 'ns', address: 'not-an-ip' } })).rejects.toThrow(
      root ? /netns\.address: expected the IP address of the namespace's end of its link, got "not-an-ip"/ : /netns: expected the harness to run as root/,
    );
    await expect(LocalServer.init({ version: '17', netns: { name: 'a b', address: '10.213.0.2' } })).rejects.toThrow(root ? /netns\.name: expected a network namespace name, got "a b"/ : /run as root/);
  });
});
