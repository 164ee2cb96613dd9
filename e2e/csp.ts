/**
 * Playwright's `test`, failing any test whose pages broke the Content-Security-Policy: every
 * violation the browser reports (console, or a securitypolicyviolation event) is collected in
 * `cspViolations` and must be none by the end. A test that provokes one on purpose takes it
 * out of the list.
 */
import { test as base, expect } from '@playwright/test';

export { expect };

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      // Also those the console does not show (e.g. reported from a worklet's or a frame's load).
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
        });
      });
      await use(violations);
      expect(violations, 'the pages broke the Content-Security-Policy').toEqual([]);
    },
    { auto: true },
  ],
});
