import { expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

it('allows a burst, then the sustained rate', () => {
  let now = 0;
  const limiter = new RateLimiter(10, 100, () => now);
  for (let i = 0; i < 10; i++) expect(limiter.take()).toBe(true);
  expect(limiter.take()).toBe(false);
  now += 50; // 5 tokens back
  for (let i = 0; i < 5; i++) expect(limiter.take()).toBe(true);
  expect(limiter.take()).toBe(false);
});
